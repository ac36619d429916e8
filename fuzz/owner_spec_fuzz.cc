// owner_spec_fuzz: chown/chgrp specs (gnulib parse_user_spec), install -o/-g
// values and default owners never crash, and nothing they accept records a
// name that would break a listing or a tar header (issue 9, item 8).
#include "fuzz_util.h"
#include "stage/owners.h"

namespace {

// A small target system: known names, ids, a user whose login group is unknown.
constexpr std::string_view kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "bin:x:2:2::/:/bin/false\n"
    "games:x:5:60::/:/bin/false\n"
    "7:x:1007:1007:a numeric name:/:/bin/false\n"
    "lost:x:1100:4242::/:/bin/false\n";
constexpr std::string_view kGroup =
    "root:x:0:\n"
    "bin:x:2:\n"
    "games:x:60:\n"
    "wheel:x:10:root\n"
    "7:x:1007:\n";

void check_principal(const stage::Principal& p, std::string_view input) {
  if (p.id) return;  // a known id or a number
  if (p.name.empty()) stage_fuzz::broken("an unknown principal with an empty name", input);
  if (p.name.find_first_of(":\n") != std::string::npos)
    stage_fuzz::broken("a recorded name with ':' or a newline", input);
  if (!stage::recordable_unknown_name(p.name)) stage_fuzz::broken("an unrecordable unknown name", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static stage::IdDatabase users = stage::IdDatabase::from_text(kPasswd);
  static stage::IdDatabase groups = stage::IdDatabase::from_text(kGroup);
  std::string_view spec = stage_fuzz::text_of(data, size);
  for (bool lenient : {false, true}) {
    stage::OwnerSpec o = stage::parse_owner_spec(users, groups, spec, lenient);
    if (o.error.empty()) {
      if (o.user) check_principal(*o.user, spec);
      if (o.group) check_principal(*o.group, spec);
    } else if (o.error != "invalid spec" && o.error != "invalid user" && o.error != "invalid group") {
      stage_fuzz::broken("an error GNU never prints", spec);
    }
    std::string error;
    if (auto g = stage::parse_group_spec(groups, spec, lenient, &error)) check_principal(*g, spec);
    for (stage::IdDatabase* db : {&users, &groups}) {
      stage::IdSpec id = stage::parse_install_id(*db, spec, lenient);
      if (id.valid && id.principal) check_principal(*id.principal, spec);
      if (!lenient && id.valid && id.principal && !id.principal->id)
        stage_fuzz::broken("strict install -o/-g accepted an unknown name", spec);
    }
  }
  if (stage::valid_default_principal(spec)) {
    // What a valid STAGE_OWNER/STAGE_GROUP becomes in every record.
    check_principal(stage::resolve_principal(users, spec), spec);
    check_principal(stage::resolve_principal(groups, spec), spec);
  }
  return 0;
}
