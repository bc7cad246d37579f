/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz_rule_yaml.c: libFuzzer target: any bytes as a rules file: load, compile, match, render alerts. */
/*
 * Build and run (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iuserspace \
 *     tests/fuzz/fuzz_rule_yaml.c userspace/rules/rule_*.c -lyaml -lcjson -o build/fuzz_rule_yaml
 *   build/fuzz_rule_yaml -max_total_time=120 CORPUS_DIR
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_engine.h"
#include "../rules/fake_fields.h"

static const char *const events[] = {
	"evt.type=execve proc.name=bash proc.pname=sshd proc.aname[1]=sshd container.id=c1 user.name=root",
	"evt.type=openat fd.name=/etc/shadow evt.is_open_read=true proc.name=cat fd.num=3",
	"evt.type=connect fd.ip=10.1.1.1 fd.net=10.1.1.1 fd.sport=4444 proc.name=nc",
	"-",
};

static void on_alert(void *arg, const struct rule *r, const void *event)
{
	struct rule_engine *e = arg;
	char *s = rule_alert_json_string(e, r, event, 1764324000123456789ULL, "host");

	free(s);
	s = rule_render_output(e, r, event, NULL);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rule_engine *e = rule_engine_new(&fake_ops);
	struct rule_diag d;
	struct rule_info info;
	size_t i;

	rule_diag_init(&d);
	if (rule_engine_load_string(e, "fuzz.yaml", (const char *)data, size, &d) == 0 &&
	    rule_engine_compile(e, &d) == 0) {
		for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
			struct fevent ev;

			if (fe_parse(events[i], &ev))
				abort();
			rule_engine_match(e, &ev, on_alert, e);
			fe_free(&ev);
		}
		for (i = 0; i < rule_engine_rule_count(e); i++)
			rule_get_info(rule_engine_rule_at(e, i), &info);
		rule_engine_enable_tag(e, "a", 0);
		rule_engine_set_min_priority(e, RULE_PRIO_WARNING);
	}
	for (i = 0; i < d.n; i++)
		if (!d.msgs[i].text || !d.msgs[i].msg)
			abort();
	rule_diag_free(&d);
	rule_engine_free(e);
	return 0;
}
