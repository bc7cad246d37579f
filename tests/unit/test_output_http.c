/* SPDX-License-Identifier: GPL-2.0-only */
/* test_output_http.c - the HTTP output's senders against a collector in a thread: sharing, the spool's hand-over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "fixture.h"
#include "output/output_http.h"

/* ---- a collector: one request per connection, answered with `status` ---- */

#define MAX_BODIES 64

static struct {
	pthread_mutex_t lock;
	int fd, port, status;
	int requests;
	char *bodies[MAX_BODIES];	/* those answered 2xx, in order */
	int n;
} col = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The request on c: its body, malloc'd; NULL if it is not a whole request. */
static char *read_request(int c)
{
	char buf[8192], *end, *cl;
	size_t have = 0, need;
	ssize_t r;

	for (;;) {
		r = read(c, buf + have, sizeof(buf) - 1 - have);
		if (r <= 0)
			return NULL;
		have += (size_t)r;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		cl = strcasestr(buf, "Content-Length:");
		need = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
		if (have >= need)
			return strndup(end + 4, need - (size_t)(end + 4 - buf));
	}
}

static void *collector(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(col.fd, NULL, NULL), status;
		char *body, answer[128];

		if (c < 0)
			return NULL;
		body = read_request(c);
		pthread_mutex_lock(&col.lock);
		status = col.status;
		col.requests++;
		if (body && status / 100 == 2 && col.n < MAX_BODIES) {
			col.bodies[col.n++] = body;
			body = NULL;
		}
		pthread_mutex_unlock(&col.lock);
		free(body);
		snprintf(answer, sizeof(answer),
			 "HTTP/1.1 %d X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
		if (write(c, answer, strlen(answer)) < 0)
			perror("collector write");
		close(c);
	}
}

static void collector_start(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	pthread_t t;

	col.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(col.fd >= 0);
	assert_int_equal(bind(col.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(col.fd, 16), 0);
	assert_int_equal(getsockname(col.fd, (struct sockaddr *)&a, &len), 0);
	col.port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&t, NULL, collector, NULL), 0);
	pthread_detach(t);
}

static void collector_reset(int status)
{
	int i;

	pthread_mutex_lock(&col.lock);
	for (i = 0; i < col.n; i++)
		free(col.bodies[i]);
	col.n = col.requests = 0;
	col.status = status;
	pthread_mutex_unlock(&col.lock);
}

static void collector_status(int status)
{
	pthread_mutex_lock(&col.lock);
	col.status = status;
	pthread_mutex_unlock(&col.lock);
}

/* Wait up to 10 s for the collector to have n bodies. */
static int collector_wait(int n)
{
	int i, got = 0;

	for (i = 0; i < 1000 && got < n; i++) {
		pthread_mutex_lock(&col.lock);
		got = col.n;
		pthread_mutex_unlock(&col.lock);
		if (got < n)
			usleep(10000);
	}
	return got;
}

/* ---- the tests ---- */

struct fx {
	char root[64];
	char *spool, url[64];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->root, "/tmp/shrike-http-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	f->spool = at(f->root, "spool");
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d/", col.port);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_tree(f->root);
	free(f->spool);
	free(f);
	return 0;
}

static struct http_config config(const struct fx *f, const char *spool)
{
	return (struct http_config){
		.url = f->url, .user_agent = "", .ca_cert = "", .ca_bundle = "", .ca_path = "",
		.client_cert = "", .client_key = "", .queue_size = 16, .max_retries = 0,
		.spool_dir = spool, .spool_max_bytes = 1 << 20,
	};
}

/* Wait up to 10 s for the spool to hold n alerts. */
static uint64_t spool_wait(uint64_t n)
{
	struct http_stats st = { 0 };
	int i;

	for (i = 0; i < 1000; i++) {
		http_stats_get(&st);
		if (st.in_spool >= n)
			break;
		usleep(10000);
	}
	return st.in_spool;
}

/* A SIGHUP that keeps every setting keeps the sender (its queue, its thread). */
static void test_same_settings_shared(void **state)
{
	struct fx *f = *state;
	struct http_config a = config(f, ""), b = config(f, "");
	struct http_sender *s1, *s2, *s3;

	collector_reset(200);
	s1 = http_sender_get(&a);
	assert_non_null(s1);
	s2 = http_sender_get(&b);
	assert_ptr_equal(s1, s2);
	b.user_agent = "other/1";
	s3 = http_sender_get(&b);
	assert_non_null(s3);
	assert_ptr_not_equal(s1, s3);
	assert_int_equal(http_sender_post(s3, "{\"n\":1}"), 0);
	assert_int_equal(collector_wait(1), 1);
	http_sender_put(s1);
	http_sender_put(s2);
	http_sender_put(s3);
	http_senders_shutdown(2);
}

/*
 * A SIGHUP that changes a setting while the collector is away: the old
 * sender puts what it holds into the spool and lets go of it; the new one,
 * on the same spool, delivers those first and then its own, in order.
 */
static void test_spool_hand_over(void **state)
{
	struct fx *f = *state;
	struct http_config a = config(f, f->spool), b = config(f, f->spool);
	struct http_sender *old, *new;
	struct http_stats st0, st;
	char body[32];
	int i;

	collector_reset(503);
	http_stats_get(&st0);
	old = http_sender_get(&a);
	assert_non_null(old);
	for (i = 1; i <= 5; i++) {
		snprintf(body, sizeof(body), "{\"old\":%d}", i);
		assert_int_equal(http_sender_post(old, body), 0);
	}
	/* the first alert found the collector away; all five wait on disk */
	assert_int_equal(spool_wait(5), 5);
	b.user_agent = "reloaded/1";
	new = http_sender_get(&b);
	assert_non_null(new);
	assert_ptr_not_equal(old, new);
	assert_int_equal(http_sender_post(new, "{\"new\":1}"), 0);
	http_sender_put(old);
	collector_status(200);
	assert_int_equal(collector_wait(6), 6);
	pthread_mutex_lock(&col.lock);
	for (i = 0; i < 5; i++) {
		snprintf(body, sizeof(body), "{\"old\":%d}", i + 1);
		assert_string_equal(col.bodies[i], body);
	}
	assert_string_equal(col.bodies[5], "{\"new\":1}");
	pthread_mutex_unlock(&col.lock);
	http_sender_put(new);
	http_senders_shutdown(2);
	http_stats_get(&st);
	assert_int_equal(st.sent - st0.sent, 6);
	assert_int_equal(st.dropped - st0.dropped, 0);
	assert_int_equal(st.failed - st0.failed, 0);
	assert_int_equal(st.in_spool, 0);
}

/* A full memory queue drops the new alert at once, whatever the collector does. */
static void test_full_queue_never_waits(void **state)
{
	struct fx *f = *state;
	struct http_config a = config(f, "");
	struct http_sender *s;
	struct http_stats st0, st;
	int i, dropped = 0;

	collector_reset(503);
	http_stats_get(&st0);
	a.queue_size = 4;
	s = http_sender_get(&a);
	assert_non_null(s);
	for (i = 0; i < 100; i++)
		dropped += http_sender_post(s, "{}") < 0;
	/* at most the queue and the alert in hand are kept */
	assert_true(dropped >= 100 - 5);
	http_sender_put(s);
	http_senders_shutdown(0.5);
	http_stats_get(&st);
	assert_int_equal(st.sent - st0.sent + st.failed - st0.failed + st.dropped - st0.dropped, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_settings_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_hand_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_queue_never_waits, setup, teardown),
	};

	collector_start();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
