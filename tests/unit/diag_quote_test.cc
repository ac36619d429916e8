// diag: GNU's quotef() and quote() forms, used in chmod/chown/ln messages.
#include <catch2/catch.hpp>

#include "stage/diag.h"

TEST_CASE("diag: quote_if_needed quotes only what a shell would need", "[diag]") {
  CHECK(stage::diag::quote_if_needed("plain/name.txt") == "plain/name.txt");
  CHECK(stage::diag::quote_if_needed("a b") == "'a b'");
  CHECK(stage::diag::quote_if_needed("a:b") == "'a:b'");
  CHECK(stage::diag::quote_if_needed("") == "''");
  CHECK(stage::diag::quote_if_needed("~x") == "'~x'");
  CHECK(stage::diag::quote_if_needed("x~") == "x~");
}

TEST_CASE("diag: quote_arg escapes as GNU's quote() in the C locale", "[diag]") {
  CHECK(stage::diag::quote_arg("q+z") == "'q+z'");
  CHECK(stage::diag::quote_arg("it's") == "'it\\'s'");
  CHECK(stage::diag::quote_arg("a\nb") == "'a\\nb'");
  CHECK(stage::diag::quote_arg("\x01") == "'\\001'");
}
