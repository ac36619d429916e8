// The unit test runner (Catch2). Every test case starts as a fresh tool run:
// diag's failure mark from an earlier case must not leak into its exit status.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "stage/diag.h"

namespace {
struct FreshRun : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo&) override { stage::diag::reset_status(); }
};
}  // namespace
CATCH_REGISTER_LISTENER(FreshRun)
