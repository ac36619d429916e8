/* hello: the bundled example package's program. */
#include <stdio.h>

int main(void) {
  puts("hello from a staged package");
  return 0;
}
