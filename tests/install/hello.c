/* An outside program built against an installed libcurriculum through
 * pkg-config (scripts/install-check.sh). */
#include <curriculum.h>
#include <stdio.h>

int main(void)
{
    printf("libcurriculum %s: %s = %s\n", CUR_VERSION_STRING,
           cur_err_name(CUR_ENOMEM), cur_strerror(CUR_ENOMEM));
    return 0;
}
