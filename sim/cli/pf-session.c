/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The session file of `vfsim fuzz` and `vfsim replay` (peerfuzz.h): messages
 * with hex payloads in JSON (json-c), loading, saving and copying sessions,
 * and the names the reports use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "peerfuzz.h"

static const char *const pf_kind_names[] = {
	[PF_NONE] = "none", [PF_CRASH] = "crash", [PF_HANG] = "hang", [PF_DESYNC] = "desync",
};

const char *pf_kind_name(enum pf_kind k)
{
	return (unsigned)k < sizeof(pf_kind_names) / sizeof(pf_kind_names[0]) ? pf_kind_names[k] : "?";
}

static const char *const pf_cmd_names[] = {
	[CONF_VU_VERSION] = "VERSION", [CONF_VU_DMA_MAP] = "DMA_MAP", [CONF_VU_DMA_UNMAP] = "DMA_UNMAP",
	[CONF_VU_GET_INFO] = "GET_INFO", [CONF_VU_GET_REGION_INFO] = "GET_REGION_INFO",
	[CONF_VU_GET_REGION_IO_FDS] = "GET_REGION_IO_FDS", [CONF_VU_GET_IRQ_INFO] = "GET_IRQ_INFO",
	[CONF_VU_SET_IRQS] = "SET_IRQS", [CONF_VU_REGION_READ] = "REGION_READ",
	[CONF_VU_REGION_WRITE] = "REGION_WRITE", [CONF_VU_DMA_READ] = "DMA_READ", [CONF_VU_DMA_WRITE] = "DMA_WRITE",
	[CONF_VU_RESET] = "DEVICE_RESET", [CONF_VU_REGION_WRITE_MULTI] = "REGION_WRITE_MULTI",
	[CONF_VU_DEVICE_FEATURE] = "DEVICE_FEATURE", [CONF_VU_MIG_DATA_READ] = "MIG_DATA_READ",
	[CONF_VU_MIG_DATA_WRITE] = "MIG_DATA_WRITE",
};

const char *pf_cmd_name(uint16_t cmd)
{
	if (cmd < sizeof(pf_cmd_names) / sizeof(pf_cmd_names[0]) && pf_cmd_names[cmd])
		return pf_cmd_names[cmd];
	return "cmd?";
}

/* ---- sessions ------------------------------------------------------------------ */

void pf_session_free(struct pf_session *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->msg[i].payload);
	memset(s, 0, sizeof(*s));
}

int pf_session_copy(struct pf_session *dst, const struct pf_session *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->n && i < PF_MAX_MSGS; i++) {
		dst->msg[i] = src->msg[i];
		dst->msg[i].payload = NULL;
		if (src->msg[i].len) {
			dst->msg[i].payload = malloc(src->msg[i].len);
			if (!dst->msg[i].payload) {
				dst->n = i;
				pf_session_free(dst);
				return -ENOMEM;
			}
			memcpy(dst->msg[i].payload, src->msg[i].payload, src->msg[i].len);
		}
		dst->n = i + 1;
	}
	return 0;
}

int pf_session_add(struct pf_session *s, uint16_t id, uint16_t cmd, uint32_t flags, const void *payload,
		   uint32_t len, unsigned nfds)
{
	struct pf_msg *m;

	if (s->n >= PF_MAX_MSGS || len > PF_MAX_PAYLOAD || nfds > PF_MAX_FDS)
		return -E2BIG;
	m = &s->msg[s->n];
	memset(m, 0, sizeof(*m));
	if (len) {
		m->payload = malloc(len);
		if (!m->payload)
			return -ENOMEM;
		memcpy(m->payload, payload, len);
	}
	m->hdr.id = id;
	m->hdr.cmd = cmd;
	m->hdr.size = (uint32_t)sizeof(m->hdr) + len;
	m->hdr.flags = flags;
	m->len = len;
	m->nfds = nfds;
	s->n++;
	return 0;
}

static int pf_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* An integer member within [0, @max], @def when absent. */
static int pf_json_uint(struct json_object *o, const char *key, uint64_t max, uint64_t def, uint64_t *ret)
{
	struct json_object *v;
	int64_t x;

	if (!json_object_object_get_ex(o, key, &v)) {
		*ret = def;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int))
		return -EINVAL;
	x = json_object_get_int64(v);
	if (x < 0 || (uint64_t)x > max)
		return -ERANGE;
	*ret = (uint64_t)x;
	return 0;
}

static int pf_load_msg(struct json_object *jm, struct pf_session *s, char *err, size_t errlen)
{
	uint64_t id, cmd, flags, error, size, fds;
	struct json_object *jp;
	const char *hex = "";
	size_t n, i;
	uint8_t *buf = NULL;
	int r;

	if (!json_object_is_type(jm, json_type_object)) {
		snprintf(err, errlen, "message %zu: not an object", s->n);
		return -EINVAL;
	}
	if (json_object_object_get_ex(jm, "payload", &jp)) {
		if (!json_object_is_type(jp, json_type_string)) {
			snprintf(err, errlen, "message %zu: payload is not a hex string", s->n);
			return -EINVAL;
		}
		hex = json_object_get_string(jp);
	}
	n = strlen(hex);
	if (n % 2 || n / 2 > PF_MAX_PAYLOAD) {
		snprintf(err, errlen, "message %zu: payload: odd length or more than %u bytes", s->n, PF_MAX_PAYLOAD);
		return -EINVAL;
	}
	if (n) {
		buf = malloc(n / 2);
		if (!buf)
			return -ENOMEM;
	}
	for (i = 0; i < n / 2; i++) {
		int hi = pf_hexval(hex[2 * i]), lo = pf_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(buf);
			snprintf(err, errlen, "message %zu: payload: not hex at character %zu", s->n, 2 * i);
			return -EINVAL;
		}
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	if (pf_json_uint(jm, "id", UINT16_MAX, s->n + 1, &id) < 0 || pf_json_uint(jm, "cmd", UINT16_MAX, 0, &cmd) < 0 ||
	    pf_json_uint(jm, "flags", UINT32_MAX, 0, &flags) < 0 ||
	    pf_json_uint(jm, "error", UINT32_MAX, 0, &error) < 0 ||
	    pf_json_uint(jm, "size", UINT32_MAX, 16 + n / 2, &size) < 0 ||
	    pf_json_uint(jm, "fds", PF_MAX_FDS, 0, &fds) < 0) {
		free(buf);
		snprintf(err, errlen, "message %zu: id/cmd/flags/error/size/fds missing a valid integer (fds <= %u)",
			 s->n, PF_MAX_FDS);
		return -EINVAL;
	}
	r = pf_session_add(s, (uint16_t)id, (uint16_t)cmd, (uint32_t)flags, buf, (uint32_t)(n / 2), (unsigned)fds);
	free(buf);
	if (r < 0) {
		snprintf(err, errlen, "message %zu: %s", s->n, strerror(-r));
		return r;
	}
	s->msg[s->n - 1].hdr.size = (uint32_t)size;
	s->msg[s->n - 1].hdr.error = (uint32_t)error;
	return 0;
}

struct json_object *pf_json_load(const char *path, const char *format, char *err, size_t errlen)
{
	struct json_object *root = json_object_from_file(path), *v;

	if (!root) {
		snprintf(err, errlen, "%s: cannot read it as JSON", path);
		return NULL;
	}
	if (!json_object_object_get_ex(root, "format", &v) || !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), format)) {
		snprintf(err, errlen, "%s: \"format\" is not \"%s\"", path, format);
		json_object_put(root);
		return NULL;
	}
	return root;
}

void pf_json_finding(struct json_object *root, struct pf_finding *f)
{
	struct json_object *jf, *v;
	unsigned k;

	memset(f, 0, sizeof(*f));
	f->at = -1;
	if (!json_object_object_get_ex(root, "finding", &jf) || !json_object_is_type(jf, json_type_object))
		return;
	if (json_object_object_get_ex(jf, "kind", &v) && json_object_is_type(v, json_type_string))
		for (k = PF_CRASH; k <= PF_DESYNC; k++)
			if (!strcmp(json_object_get_string(v), pf_kind_name((enum pf_kind)k)))
				f->kind = (enum pf_kind)k;
	if (json_object_object_get_ex(jf, "message", &v) && json_object_is_type(v, json_type_int))
		f->at = (long)json_object_get_int64(v);
	if (json_object_object_get_ex(jf, "detail", &v) && json_object_is_type(v, json_type_string))
		snprintf(f->detail, sizeof(f->detail), "%s", json_object_get_string(v));
}

int pf_session_load(const char *path, struct pf_session *s, struct pf_finding *f, char *err, size_t errlen)
{
	struct json_object *root, *jmsgs;
	size_t i, n;
	int r = 0;

	memset(s, 0, sizeof(*s));
	root = pf_json_load(path, "vfsim-peer-session", err, errlen);
	if (!root)
		return -EINVAL;
	if (!json_object_object_get_ex(root, "messages", &jmsgs) || !json_object_is_type(jmsgs, json_type_array) ||
	    (n = json_object_array_length(jmsgs)) > PF_MAX_MSGS) {
		snprintf(err, errlen, "%s: \"messages\" is not an array of at most %u messages", path, PF_MAX_MSGS);
		r = -EINVAL;
		goto out;
	}
	for (i = 0; i < n && r == 0; i++) {
		char why[256];

		r = pf_load_msg(json_object_array_get_idx(jmsgs, i), s, why, sizeof(why));
		if (r < 0)
			snprintf(err, errlen, "%s: %s", path, why);
	}
	if (r == 0 && f)
		pf_json_finding(root, f);
out:
	if (r < 0)
		pf_session_free(s);
	json_object_put(root);
	return r;
}

static struct json_object *pf_msg_json(const struct pf_msg *m)
{
	struct json_object *o = json_object_new_object();
	char *hex = malloc(2 * (size_t)m->len + 1);
	uint32_t i;

	if (!o || !hex) {
		free(hex);
		json_object_put(o);
		return NULL;
	}
	for (i = 0; i < m->len; i++)
		snprintf(hex + 2 * i, 3, "%02x", m->payload[i]);
	hex[2 * (size_t)m->len] = '\0';
	json_object_object_add(o, "id", json_object_new_int(m->hdr.id));
	json_object_object_add(o, "cmd", json_object_new_int(m->hdr.cmd));
	json_object_object_add(o, "name", json_object_new_string(pf_cmd_name(m->hdr.cmd)));
	json_object_object_add(o, "flags", json_object_new_int64(m->hdr.flags));
	json_object_object_add(o, "error", json_object_new_int64(m->hdr.error));
	json_object_object_add(o, "size", json_object_new_int64(m->hdr.size));
	json_object_object_add(o, "fds", json_object_new_int((int)m->nfds));
	json_object_object_add(o, "payload", json_object_new_string(hex));
	free(hex);
	return o;
}

struct json_object *pf_json_root(const char *format, const struct pf_finding *f, const char *cmd_key,
				 const char *cmd, uint64_t seed, uint64_t iteration)
{
	struct json_object *root = json_object_new_object(), *jf;

	if (!root)
		return NULL;
	json_object_object_add(root, "format", json_object_new_string(format));
	json_object_object_add(root, "version", json_object_new_int(1));
	if (f && f->kind != PF_NONE) {
		jf = json_object_new_object();
		if (!jf) {
			json_object_put(root);
			return NULL;
		}
		json_object_object_add(jf, "kind", json_object_new_string(pf_kind_name(f->kind)));
		json_object_object_add(jf, "message", json_object_new_int64(f->at));
		json_object_object_add(jf, "detail", json_object_new_string(f->detail));
		json_object_object_add(root, "finding", jf);
	}
	if (cmd)
		json_object_object_add(root, cmd_key, json_object_new_string(cmd));
	json_object_object_add(root, "seed", json_object_new_uint64(seed));
	json_object_object_add(root, "iteration", json_object_new_uint64(iteration));
	return root;
}

int pf_json_save(const char *path, struct json_object *root, char *err, size_t errlen)
{
	int r = json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE) < 0 ? -EIO : 0;

	if (r < 0)
		snprintf(err, errlen, "%s: cannot write it (%s)", path, strerror(-r));
	json_object_put(root);
	return r;
}

int pf_session_save(const char *path, const struct pf_session *s, const struct pf_finding *f,
		    const char *server_cmd, uint64_t seed, uint64_t iteration, char *err, size_t errlen)
{
	struct json_object *root = pf_json_root("vfsim-peer-session", f, "server_cmd", server_cmd, seed, iteration);
	struct json_object *msgs = json_object_new_array();
	size_t i;

	if (!root || !msgs)
		goto nomem;
	for (i = 0; i < s->n; i++) {
		struct json_object *m = pf_msg_json(&s->msg[i]);

		if (!m)
			goto nomem;
		json_object_array_add(msgs, m);
	}
	json_object_object_add(root, "messages", msgs);
	return pf_json_save(path, root, err, errlen);
nomem:
	snprintf(err, errlen, "%s: cannot write it (%s)", path, strerror(ENOMEM));
	json_object_put(msgs);
	json_object_put(root);
	return -ENOMEM;
}

void pf_shell_quote(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (len < 3) {
		if (len)
			buf[0] = '\0';
		return;
	}
	buf[n++] = '\'';
	for (; *s && n + 6 < len; s++) {
		if (*s == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}
