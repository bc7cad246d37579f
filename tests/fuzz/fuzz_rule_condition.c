/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz_rule_condition.c: libFuzzer target: any bytes as a rule condition: parse, compile, evaluate, render. */
/*
 * Build and run (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iuserspace \
 *     tests/fuzz/fuzz_rule_condition.c userspace/rules/rule_*.c -lyaml -lcjson -o build/fuzz_rule_condition
 *   build/fuzz_rule_condition -max_total_time=120 CORPUS_DIR
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_int.h"
#include "../rules/fake_fields.h"

/* Lists and macros the fuzzed condition can name. */
static const char prelude[] =
	"- list: shells\n  items: [bash, sh, '\"quoted item\"', nested]\n"
	"- list: nested\n  items: [zsh]\n"
	"- list: nets\n  items: ['\"10.0.0.0/8\"', '::1']\n"
	"- macro: spawned\n  condition: evt.type in (execve, execveat)\n"
	"- macro: shell\n  condition: proc.name in (shells) and spawned\n";

static const char *const events[] = {
	"evt.type=execve proc.name=bash proc.aname[1]=sshd proc.aname[2]=init fd.num=3 fd.ip=10.1.1.1",
	"evt.type=openat fd.name=/etc/shadow evt.arg.flags=O_RDONLY evt.arg[0]=3 user.uid=-1 evt.num=7",
	"evt.type=connect fd.net=::1 fd.sport=443 container.privileged=true proc.args=c2VjcmV0",
	"-",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpos pos = { 0, 1, 1 };
	struct rerr err = { pos, NULL };
	struct rtext t;
	struct rnode *ast;
	struct strbuf y = { 0 };
	struct rule_engine *e;
	struct rule_diag d;
	size_t i, k;

	/* 1. the parser alone, on the raw bytes */
	rtext_set(&t, (const char *)data, size, pos);
	ast = rule_parse(&t, &err);
	rnode_free(ast);
	free(err.msg);
	rtext_free(&t);

	/* 2. the whole engine, the condition in a YAML literal block */
	sb_adds(&y, prelude);
	sb_adds(&y, "- rule: fuzz\n  desc: d\n  output: '%proc.name %fd.num %proc.aname[2] %(evt.arg.flags)'\n"
		    "  priority: INFO\n  condition: |-\n    ");
	for (i = 0; i < size; i++) {
		sb_addc(&y, (char)data[i]);
		if (data[i] == '\n')
			sb_adds(&y, "    ");
	}
	sb_addc(&y, '\n');
	e = rule_engine_new(&fake_ops);
	rule_diag_init(&d);
	if (rule_engine_load_string(e, "fuzz.yaml", y.s, y.len, &d) == 0 &&
	    rule_engine_compile(e, &d) == 0) {
		for (k = 0; k < sizeof(events) / sizeof(events[0]); k++) {
			struct fevent ev;

			if (fe_parse(events[k], &ev))
				abort();
			if (rule_engine_match(e, &ev, NULL, NULL) > 0) {
				char *s = rule_alert_json_string(e, rule_engine_rule_at(e, 0), &ev, 1, "h");

				free(s);
			}
			fe_free(&ev);
		}
	}
	rule_diag_free(&d);
	rule_engine_free(e);
	sb_free(&y);
	return 0;
}
