/*
 * curriculum.h: the whole public API of libcurriculum in one include.
 * Each module's header can also be included on its own.
 */
#ifndef CURRICULUM_H
#define CURRICULUM_H

#include "curriculum/core.h"
#include "curriculum/error.h"
#include "curriculum/panic.h"
#include "curriculum/result.h"
#include "curriculum/arena.h"
#include "curriculum/num.h"
#include "curriculum/own.h"
#include "curriculum/rc.h"
#include "curriculum/str.h"
#include "curriculum/sync.h"
#include "curriculum/waker.h"
#include "curriculum/chan.h"
#include "curriculum/trait.h"
#include "curriculum/vec.h"
#include "curriculum/map.h"
#include "curriculum/crc.h"
#include "curriculum/json.h"

#endif /* CURRICULUM_H */
