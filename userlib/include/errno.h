/*
 * <errno.h> for Reservoir user programs. The numbers are the ones both Linux and the
 * Microsoft C runtime use. errno lives behind _errno() (the Microsoft CRT's name): one
 * variable per process today, per thread once threads exist.
 */
#ifndef RESERVOIR_USERLIB_ERRNO_H
#define RESERVOIR_USERLIB_ERRNO_H

#define ENOMEM 12
#define EINVAL 22
#define EDOM   33
#define ERANGE 34

int *_errno(void);
#define errno (*_errno())

#endif
