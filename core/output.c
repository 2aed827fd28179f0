/* Output: JSON Lines streams and atomic per-record files. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

#define STREAM_BUFFER (1u << 20)

struct tp_output {
    FILE *stream;   /* stream mode */
    int own_stream;
    char *buffer;   /* its stdio buffer, when the stream is ours to close */
    char *dir;      /* folder mode */
};

tp_output *tp_output_stream(const char *path, char *err, size_t errlen)
{
    tp_output *o = calloc(1, sizeof *o);
    if (o == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (path == NULL || strcmp(path, "-") == 0) {
        /* glibc sizes a buffer it allocates itself by the block size
         * (4 KiB), whatever setvbuf is asked for: give it one.  Standard
         * output lives until exit, so its buffer is static. */
        static char stdout_buffer[STREAM_BUFFER];
        o->stream = stdout;
        setvbuf(o->stream, stdout_buffer, _IOFBF, sizeof stdout_buffer);
    } else {
        o->stream = fopen(path, "wb");
        o->buffer = malloc(STREAM_BUFFER);
        if (o->stream == NULL || o->buffer == NULL) {
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            if (o->stream != NULL)
                fclose(o->stream);
            free(o->buffer);
            free(o);
            return NULL;
        }
        o->own_stream = 1;
        setvbuf(o->stream, o->buffer, _IOFBF, STREAM_BUFFER);
    }
    return o;
}

/* mkdir -p for the folders of path (not its last component). */
static int make_parents(char *path)
{
    char *p;
    for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    return 0;
}

tp_output *tp_output_dir(const char *dir, char *err, size_t errlen)
{
    tp_output *o = calloc(1, sizeof *o);
    struct stat st;
    char *probe;
    if (o == NULL || (o->dir = strdup(dir)) == NULL) {
        free(o);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    probe = tp_output_path(dir, "x");
    if (probe == NULL || make_parents(probe) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: cannot make the output folder: %s", dir, strerror(errno));
        free(probe);
        free(o->dir);
        free(o);
        return NULL;
    }
    free(probe);
    return o;
}

char *tp_output_path(const char *dir, const char *id)
{
    size_t n = strlen(dir) + strlen(id) * 2 + 16, used;
    char *out = malloc(n);
    const char *p = id;
    if (out == NULL)
        return NULL;
    used = (size_t)snprintf(out, n, "%s", dir);
    while (*p != '\0') {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* skip empty and "." components */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            used += (size_t)snprintf(out + used, n - used, "/__");
        } else {
            used += (size_t)snprintf(out + used, n - used, "/%.*s", (int)len, p);
        }
        p += len;
        if (*p == '/')
            p++;
    }
    if (used == strlen(dir))
        used += (size_t)snprintf(out + used, n - used, "/_");
    snprintf(out + used, n - used, ".json");
    return out;
}

int tp_output_exists(tp_output *o, const char *id)
{
    char *path;
    struct stat st;
    int exists;
    if (o->dir == NULL)
        return 0;
    path = tp_output_path(o->dir, id);
    exists = path != NULL && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    free(path);
    return exists;
}

/* Write all n bytes: 0, or -1 with errno. */
static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (w == 0) {
            errno = EIO;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_file_atomic(const char *path, const char *json, size_t len, char *err, size_t errlen)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    const char *slash = strrchr(path, '/');
    int fd = -1, rc = -1;
    if (tmp == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* A hidden temporary next to the target, renamed over it when whole. */
    snprintf(tmp, n, "%.*s.%s.tmp%ld", (int)(slash - path + 1), path, slash + 1, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0 || write_all(fd, json, len) != 0 || write_all(fd, "\n", 1) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot rename into place: %s", path, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int tp_output_write(tp_output *o, const char *id, const char *json, size_t len,
                    char *err, size_t errlen)
{
    char *path;
    int rc;
    if (o->stream != NULL) {
        if (fwrite(json, 1, len, o->stream) != len || putc('\n', o->stream) == EOF) {
            snprintf(err, errlen, "cannot write the output: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    path = tp_output_path(o->dir, id);
    if (path == NULL || make_parents(path) != 0) {
        snprintf(err, errlen, "%s: cannot make its folder: %s", path ? path : id, strerror(errno));
        free(path);
        return -1;
    }
    rc = write_file_atomic(path, json, len, err, errlen);
    free(path);
    return rc;
}

int tp_output_is_stream(const tp_output *o)
{
    return o->stream != NULL;
}

/* A block at least this large goes straight to the file descriptor rather
 * than through the stdio buffer, which would only copy it. */
#define DIRECT_WRITE (STREAM_BUFFER / 4)

int tp_output_write_lines(tp_output *o, const char *lines, size_t len, char *err, size_t errlen)
{
    int fd = fileno(o->stream), ok;
    if (len < DIRECT_WRITE || fd < 0)
        ok = fwrite(lines, 1, len, o->stream) == len;
    else
        ok = fflush(o->stream) == 0 && write_all(fd, lines, len) == 0;
    if (ok)
        return 0;
    snprintf(err, errlen, "cannot write the output: %s", strerror(errno));
    return -1;
}

void tp_output_flush(tp_output *o)
{
    if (o->stream != NULL)
        fflush(o->stream);
}

int tp_output_close(tp_output *o, char *err, size_t errlen)
{
    int rc = 0;
    if (o == NULL)
        return 0;
    if (o->stream != NULL) {
        if (fflush(o->stream) != 0 || ferror(o->stream)) {
            snprintf(err, errlen, "cannot write the output: %s", strerror(errno));
            rc = -1;
        }
        if (o->own_stream && fclose(o->stream) != 0 && rc == 0) {
            snprintf(err, errlen, "cannot write the output: %s", strerror(errno));
            rc = -1;
        }
    }
    free(o->buffer);
    free(o->dir);
    free(o);
    return rc;
}
