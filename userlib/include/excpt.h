/*
 * <excpt.h> for Reservoir user programs: what an exception filter or vectored handler
 * returns. Values from Microsoft Learn, "try-except statement", and mingw-w64's
 * include/excpt.h. (There is no __try/__except: GCC has none. Handlers are vectored
 * ones, AddVectoredExceptionHandler, and the unhandled-exception filter.)
 */
#ifndef _INC_EXCPT
#define _INC_EXCPT

#define EXCEPTION_EXECUTE_HANDLER     1
#define EXCEPTION_CONTINUE_SEARCH     0
#define EXCEPTION_CONTINUE_EXECUTION  (-1)

#endif
