/*
 * The one place that reads the host's random generator for the guest
 * (replay/host-random.h).  Its only caller now is AT_RANDOM, whose bytes
 * a recording carries in its initial stack (the STACK event): a replay
 * puts the recorded stack in place, so it needs no host bytes here.
 */
#include "replay/host-random.h"

#include <string.h>

#include "replay/replay.h"

#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

bool replay_host_random(void *buf, size_t len)
{
    if (replay_playing()) {
        memset(buf, 0, len);
        return true;
    }
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
