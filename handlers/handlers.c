/*
 * tinbao: the handler table.
 */
#include <stddef.h>

#include "tinbao.h"

const struct handler *handlers[] = {
	NULL
};
