/*
 * tinbao: main program.
 */
#include <stdio.h>

#include "tinbao.h"

int
main(void)
{
	printf("tinbao %s\n", TINBAO_VERSION);
	return (0);
}
