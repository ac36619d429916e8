// id_database_fuzz: the passwd(5)/group(5) reader takes any text, and what it
// lists it finds again (a name gives an id whose name is listed).
#include "fuzz_util.h"
#include "stage/owners.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = stage_fuzz::text_of(data, size);
  stage::IdDatabase db = stage::IdDatabase::from_text(text);
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    std::string_view name = line.substr(0, line.find(':'));
    if (auto id = db.id_of(name)) {
      auto back = db.name_of(*id);
      if (!back) stage_fuzz::broken("a listed id has no name", text);
      if (!db.id_of(*back)) stage_fuzz::broken("the name of a listed id is not listed", text);
      if (back->find_first_of(":\n") != std::string::npos) stage_fuzz::broken("a listed name holds ':' or a newline", text);
      (void)db.primary_group_of(name);
      (void)stage::name_or_number(db, *id);
    }
    (void)stage::resolve_principal(db, name);
  }
  return 0;
}
