/*
 * The one place that reads the host's random generator for the guest
 * (replay/host-random.h); a pass-through until record and replay log it.
 */
#include "replay/host-random.h"

#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

bool replay_host_random(void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom((uint8_t *)buf + done, len - done, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}
