// suite.cc: reads suite files (see suite.h) with toml++, checks the names
// that become paths (the suite's results/<name>, each cell's runs/<key>), and
// plans the distinct runs with their request.toml text and the cells each serves.
#include "hsgd/experiment/suite.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "hsgd/common/error.h"
#include "hsgd/common/text_file.h"
#include "hsgd/common/toml_text.h"
#include "hsgd/ps/ps_options.h"

namespace hsgd {
namespace {

std::string where(const std::string& origin, const toml::node& node) {
  const auto line = node.source().begin.line;
  return line > 0 ? origin + ":" + std::to_string(line) : origin;
}

// A scalar TOML value as an option; anything else is an error.
SuiteOption option_of(const std::string& origin, const std::string& name, const toml::node& v) {
  if (auto s = v.value_exact<std::string>()) return {name, toml_string(*s), *s};
  if (auto i = v.value_exact<int64_t>()) return {name, toml_integer(*i), toml_integer(*i)};
  if (auto d = v.value_exact<double>()) return {name, toml_number(*d), toml_number(*d)};
  if (auto b = v.value_exact<bool>()) return {name, toml_bool(*b), toml_bool(*b)};
  throw ConfigError(where(origin, v) + ": option '" + name + "' must be a string, number or boolean");
}

SuiteOptions options_of(const std::string& origin, const toml::table& t) {
  SuiteOptions out;
  for (auto&& [key, value] : t) out.push_back(option_of(origin, std::string(key.str()), value));
  return out;
}

void set_option(SuiteOptions& options, const SuiteOption& o) {
  for (auto& existing : options)
    if (existing.name == o.name) {
      existing = o;
      return;
    }
  options.push_back(o);
}

const SuiteOption* find_option(const SuiteOptions& options, const std::string& name) {
  for (const auto& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

std::optional<int64_t> whole_integer(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> whole_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return v;
}

// "--set name=value": numbers and booleans keep their type (written as TOML
// writes them: "+5" is 5, ".5" is 0.5), anything else is a string.
SuiteOption parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set " + text + ": expected NAME=VALUE, e.g. --set model=mnist-cnn");
  const std::string name = text.substr(0, eq), value = text.substr(eq + 1);
  if (value == "true" || value == "false") return {name, value, value};
  if (auto i = whole_integer(value)) return {name, toml_integer(*i), value};
  if (auto d = whole_number(value)) return {name, toml_number(*d), value};
  return {name, toml_string(value), value};
}

std::string folder_safe(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '=' || c == '+') ? c : '-';
  return out;
}

bool is_ascii_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A suite name becomes results/<name>: [A-Za-z0-9][A-Za-z0-9._-]{0,63}.
bool is_safe_suite_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || !is_ascii_alnum(name[0])) return false;
  for (char c : name)
    if (!is_ascii_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

// A cell key becomes runs/<key>: one path component, not too long.
void check_cell_key(const std::string& origin, const SuiteTable& table, const SuiteCell& cell) {
  std::string problem;
  if (cell.key.empty() || cell.key == "." || cell.key == "..") problem = "is not a folder name";
  else if (cell.key.size() > kMaxCellKeyBytes)
    problem = "is " + std::to_string(cell.key.size()) + " bytes long, more than " + std::to_string(kMaxCellKeyBytes) +
              " (use fewer or shorter grid values)";
  if (!problem.empty())
    throw ConfigError(origin + ": table '" + table.name + "', cell '" + cell.label + "': its folder name '" + cell.key +
                      "' " + problem);
}

// The options of a cell's runs: the suite's, then the cell's.
SuiteOptions run_options(const SuiteOptions& suite, const SuiteOptions& cell) {
  SuiteOptions options = suite;
  for (const auto& o : cell) set_option(options, o);
  return options;
}

// Cells of different options must not share a folder (folder_safe maps
// "step:S=300" and "step/S=300" to the same key); equal cells of different
// tables do, and are run once.
void check_distinct_keys(const Suite& s) {
  struct First {
    const SuiteTable* table;
    const SuiteCell* cell;
    std::map<std::string, std::string> options;  // name -> TOML value
  };
  std::map<std::string, First> by_key;
  for (const auto& table : s.tables)
    for (const auto& cell : table.cells) {
      std::map<std::string, std::string> options;
      for (const auto& o : run_options(s.options, cell.options)) options[o.name] = o.toml;
      const auto [it, inserted] = by_key.emplace(cell.key, First{&table, &cell, options});
      if (inserted || it->second.options == options) continue;
      throw ConfigError(s.origin + ": table '" + table.name + "', cell '" + cell.label + "' and table '" +
                        it->second.table->name + "', cell '" + it->second.cell->label +
                        "' have different options but the same folder name runs/" + cell.key +
                        " (folder names keep letters, digits and . - = +; other characters become -)");
    }
}

std::vector<double> numbers_of(const std::string& origin, const std::string& what, const toml::node& node) {
  const toml::array* a = node.as_array();
  if (a == nullptr) throw ConfigError(where(origin, node) + ": " + what + " must be an array of numbers");
  std::vector<double> out;
  for (const auto& e : *a) {
    auto v = e.value<double>();
    if (!v) throw ConfigError(where(origin, e) + ": " + what + " must hold numbers only");
    out.push_back(*v);
  }
  return out;
}

using GridAxes = std::vector<std::pair<std::string, std::vector<SuiteOption>>>;

// The grid's cells: the Cartesian product of the axes, first axis slowest
// (combine = "product", the default), or their i-th values together
// (combine = "zip": every axis the same length).
std::vector<SuiteOptions> grid_cells(const std::string& origin, const toml::table& t, const GridAxes& axes) {
  const toml::node* node = t.get("combine");
  const std::string combine = node == nullptr ? "product" : node->value_or(std::string());
  if (combine != "product" && combine != "zip")
    throw ConfigError(where(origin, *node) + ": combine must be \"product\" or \"zip\"");
  if (combine == "zip") {
    std::vector<SuiteOptions> cells(axes.empty() ? 1 : axes[0].second.size());
    for (const auto& [name, values] : axes) {
      if (values.size() != cells.size())
        throw ConfigError(where(origin, *node) + ": combine = \"zip\" needs axes of one length; '" +
                          axes[0].first + "' has " + std::to_string(cells.size()) + " values, '" + name + "' " +
                          std::to_string(values.size()));
      for (size_t i = 0; i < values.size(); ++i) cells[i].push_back(values[i]);
    }
    return cells;
  }
  std::vector<SuiteOptions> combos(1);
  for (const auto& [name, values] : axes) {
    std::vector<SuiteOptions> next;
    for (const auto& c : combos)
      for (const auto& v : values) {
        next.push_back(c);
        next.back().push_back(v);
      }
    combos = next;
  }
  return combos;
}

SuiteTable parse_table(const std::string& origin, const toml::table& t, const SuiteOptions& base, size_t index) {
  SuiteTable table;
  table.name = t["name"].value_or(std::string("Table ") + std::to_string(index + 1));
  SuiteOptions table_options;
  if (auto o = t["options"].as_table()) table_options = options_of(origin, *o);
  else if (t.contains("options")) throw ConfigError(where(origin, *t.get("options")) + ": options must be a table");
  for (auto&& [key, value] : t) {
    const std::string k(key.str());
    if (k != "name" && k != "options" && k != "grid" && k != "vary" && k != "combine" && k != "labels" &&
        k != "paper")
      throw ConfigError(where(origin, value) + ": unknown key '" + k +
                        "' in [[table]] (keys: name, options, grid, vary, combine, labels, paper)");
  }
  const toml::table* grid = t["grid"].as_table();
  GridAxes axes;
  if (grid != nullptr) {
    if (auto vary = t["vary"].as_array()) {
      for (const auto& v : *vary) {
        auto name = v.value<std::string>();
        if (!name) throw ConfigError(where(origin, v) + ": vary must list option names");
        table.vary.push_back(*name);
      }
    } else {
      for (auto&& [key, value] : *grid) table.vary.push_back(std::string(key.str()));  // alphabetical
    }
    std::set<std::string> seen(table.vary.begin(), table.vary.end());
    for (auto&& [key, value] : *grid)
      if (!seen.count(std::string(key.str())))
        throw ConfigError(where(origin, value) + ": grid axis '" + std::string(key.str()) + "' is not in vary");
    for (const auto& name : table.vary) {
      const toml::node* node = grid->get(name);
      if (node == nullptr) throw ConfigError(origin + ": table '" + table.name + "': vary names '" + name +
                                             "' but [table.grid] has no such axis");
      const toml::array* values = node->as_array();
      if (values == nullptr || values->empty())
        throw ConfigError(where(origin, *node) + ": grid axis '" + name + "' must be a non-empty array");
      std::vector<SuiteOption> axis;
      for (const auto& v : *values) axis.push_back(option_of(origin, name, v));
      axes.emplace_back(name, axis);
    }
  }
  const std::vector<SuiteOptions> combos = grid_cells(origin, t, axes);
  std::vector<std::string> labels;
  if (auto l = t["labels"].as_array()) {
    for (const auto& v : *l) labels.push_back(v.value_or(std::string("?")));
    if (labels.size() != combos.size())
      throw ConfigError(where(origin, *l) + ": labels has " + std::to_string(labels.size()) + " entries but the grid has " +
                        std::to_string(combos.size()) + " cells");
  }
  for (size_t i = 0; i < combos.size(); ++i) {
    SuiteCell cell;
    cell.options = table_options;
    for (const auto& o : combos[i]) set_option(cell.options, o);
    std::string auto_label, key;
    for (const auto& o : combos[i]) auto_label += (auto_label.empty() ? "" : ", ") + o.name + "=" + o.text;
    cell.label = labels.empty() ? (auto_label.empty() ? "all" : auto_label) : labels[i];
    for (const auto& o : cell.options) {
      const SuiteOption* b = find_option(base, o.name);
      if (b != nullptr && b->toml == o.toml) continue;  // the suite's value anyway
      key += (key.empty() ? "" : "_") + folder_safe(o.name + "=" + o.text);
    }
    cell.key = key.empty() ? "base" : key;
    check_cell_key(origin, table, cell);
    table.cells.push_back(cell);
  }
  if (auto paper = t["paper"].as_table()) {
    for (auto&& [key, value] : *paper) {
      const std::string metric(key.str());
      if (metric == "final_test_accuracy") {
        const toml::array* rows = value.as_array();
        if (rows == nullptr) throw ConfigError(where(origin, value) + ": final_test_accuracy must be an array of [sync, async, hybrid]");
        for (const auto& r : *rows) {
          auto v = numbers_of(origin, "final_test_accuracy", r);
          if (v.size() != 3) throw ConfigError(where(origin, r) + ": final_test_accuracy entries are [sync, async, hybrid]");
          table.paper_final_accuracy.push_back(v);
        }
        if (table.paper_final_accuracy.size() != table.cells.size())
          throw ConfigError(where(origin, value) + ": final_test_accuracy needs one entry per cell (" +
                            std::to_string(table.cells.size()) + ")");
        continue;
      }
      if (metric != "test_accuracy" && metric != "test_loss" && metric != "train_loss")
        throw ConfigError(where(origin, value) + ": unknown paper metric '" + metric +
                          "' (test_accuracy, test_loss, train_loss, final_test_accuracy)");
      auto v = numbers_of(origin, "paper." + metric, value);
      if (v.size() != table.cells.size())
        throw ConfigError(where(origin, value) + ": paper." + metric + " has " + std::to_string(v.size()) +
                          " values but the table has " + std::to_string(table.cells.size()) + " cells");
      table.paper[metric] = v;
    }
  }
  return table;
}

}  // namespace

Suite parse_suite(const std::string& toml_text, const std::string& origin, const std::vector<std::string>& overrides) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    throw ConfigError(origin + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  Suite s;
  s.origin = origin;
  s.text = toml_text;
  for (auto&& [key, value] : root) {
    const std::string k(key.str());
    if (k != "name" && k != "description" && k != "seeds" && k != "modes" && k != "diverged" && k != "options" &&
        k != "table")
      throw ConfigError(where(origin, value) + ": unknown key '" + k +
                        "' (keys: name, description, seeds, modes, diverged, options, [[table]])");
  }
  auto name = root["name"].value<std::string>();
  if (!name || name->empty()) throw ConfigError(origin + ": the suite needs a name = \"...\"");
  if (!is_safe_suite_name(*name))
    throw ConfigError(where(origin, *root.get("name")) + ": name = " + toml_string(*name) +
                      ": a suite's name names its results folder, so it must be 1 to 64 letters, digits, '.', '_' or "
                      "'-', starting with a letter or digit");
  s.name = *name;
  s.description = root["description"].value_or(std::string());
  if (auto n = root["seeds"].value_exact<int64_t>()) {
    if (*n < 1 || *n > 1000) throw ConfigError(where(origin, *root.get("seeds")) + ": seeds = " + std::to_string(*n) + " must be in [1, 1000]");
    for (int64_t i = 1; i <= *n; ++i) s.seeds.push_back(static_cast<uint64_t>(i));
  } else if (auto list = root["seeds"].as_array()) {
    for (const auto& v : *list) {
      auto seed = v.value_exact<int64_t>();
      if (!seed || *seed < 0) throw ConfigError(where(origin, v) + ": seeds must be non-negative integers");
      s.seeds.push_back(static_cast<uint64_t>(*seed));
    }
  } else {
    s.seeds = {1};
  }
  if (s.seeds.empty()) throw ConfigError(origin + ": seeds is empty");
  if (auto modes = root["modes"].as_array()) {
    for (const auto& v : *modes) {
      auto m = v.value<std::string>();
      if (!m || !enum_from_name<Mode>(*m))
        throw ConfigError(where(origin, v) + ": modes are sync, async, hybrid, ssp, k-sync, k-batch-async and gba");
      s.modes.push_back(*m);
    }
  } else {
    s.modes = {"sync", "async", "hybrid"};
  }
  if (const toml::node* d = root.get("diverged")) {
    const auto value = d->value<std::string>();
    if (!value || (*value != "fail" && *value != "result"))
      throw ConfigError(where(origin, *d) + ": diverged must be \"fail\" (a diverged run stops the suite) or " +
                        "\"result\" (it is kept and reported as diverged)");
    s.diverged_runs_are_results = *value == "result";
  }
  if (auto o = root["options"].as_table()) s.options = options_of(origin, *o);
  for (const auto& text : overrides) set_option(s.options, parse_override(text));
  for (const auto& o : s.options)
    if (o.name == "mode" || o.name == "seed" || o.name == "out" || o.name == "config")
      throw ConfigError(origin + ": option '" + o.name + "' is set by the suite runner (use modes and seeds)");
  if (auto tables = root["table"].as_array()) {
    for (size_t i = 0; i < tables->size(); ++i) {
      const toml::table* t = (*tables)[i].as_table();
      if (t == nullptr) throw ConfigError(where(origin, (*tables)[i]) + ": [[table]] entries must be tables");
      s.tables.push_back(parse_table(origin, *t, s.options, i));
    }
  }
  if (s.tables.empty()) {  // no tables: one cell with the suite's options
    SuiteTable t;
    t.name = s.name;
    t.cells.push_back({"all", {}, "base"});
    s.tables.push_back(t);
  }
  check_distinct_keys(s);
  return s;
}

Suite load_suite(const std::string& name_or_path, const std::vector<std::string>& overrides) {
  for (const auto& [name, text] : builtin_suites())
    if (name == name_or_path) {
      Suite s = parse_suite(text, "suites/" + name + ".toml (built in)", overrides);
      s.origin = "built-in";
      return s;
    }
  std::error_code ec;
  if (!std::filesystem::exists(name_or_path, ec) && !ec) {
    std::string names;
    for (const auto& [name, text] : builtin_suites()) names += (names.empty() ? "" : ", ") + name;
    throw ConfigError("suite '" + name_or_path + "': no built-in suite of that name (" + names +
                      ") and no such file");
  }
  return parse_suite(read_bounded_text_file(name_or_path, kMaxSuiteFileBytes, "a suite file"), name_or_path,
                     overrides);
}

std::string run_dir(const std::string& cell_key, const std::string& mode, uint64_t seed) {
  return "runs/" + cell_key + "/" + mode + "-seed" + std::to_string(seed);
}

namespace {

// Options a mode does not read, left out of its requests so that runs that
// differ only in them are one run. Checked in the sources:
//   schedule: TrainConfig::validate() parses it for hybrid only (ps.schedule
//     is null otherwise), and ParameterServer::current_k() asks the schedule
//     for K in hybrid only (sync: the live workers, async: 1);
//   wait: read only through PsOptions::waits_for_apply() and effective_wait(),
//     which decide by mode alone for every mode but hybrid (sync and k-sync
//     always wait; async, ssp, k-batch-async and gba never do); k-sync and
//     k-batch-async take K from --k, gba K = workers, ssp is K = 1.
// aggregation stays: sync reads it, and async skips it only because its
// buffer is never used (K = 1), an internal of the parameter server.
bool mode_ignores(const std::string& mode, const std::string& option) {
  return mode != "hybrid" && (option == "schedule" || option == "wait");
}

// A run's options as "name = value" lines, "{seed}" replaced by the seed;
// the options its mode ignores only if `with_ignored`.
std::vector<std::string> option_lines(const SuiteOptions& options, const std::string& mode, uint64_t seed,
                                      bool with_ignored) {
  std::vector<std::string> lines;
  for (auto o : options) {
    if (!with_ignored && mode_ignores(mode, o.name)) continue;
    for (size_t p; (p = o.toml.find("{seed}")) != std::string::npos;) o.toml.replace(p, 6, std::to_string(seed));
    lines.push_back(o.name + " = " + o.toml + "\n");
  }
  return lines;
}

std::string request_text(const std::string& suite_name, const std::string& mode, uint64_t seed,
                         const std::vector<std::string>& option_lines) {
  std::string text = "# one run of suite " + suite_name + "\n";
  text += "mode = " + toml_string(mode) + "\nseed = " + std::to_string(seed) + "\n";
  for (const auto& line : option_lines) text += line;
  return text;
}

// What a run computes, whatever the order of its options: equal runs have equal identities.
std::string run_identity(const std::string& mode, uint64_t seed, std::vector<std::string> option_lines) {
  std::sort(option_lines.begin(), option_lines.end());
  std::string identity = mode + "\n" + std::to_string(seed) + "\n";
  for (const auto& line : option_lines) identity += line;
  return identity;
}

SuiteRun new_run(const std::string& suite_name, const std::string& cell_key, const std::string& mode, uint64_t seed,
                 const SuiteOptions& options) {
  SuiteRun run{cell_key, mode, seed, run_dir(cell_key, mode, seed), "", "", {}};
  run.request = request_text(suite_name, mode, seed, option_lines(options, mode, seed, false));
  run.request_with_ignored_options = request_text(suite_name, mode, seed, option_lines(options, mode, seed, true));
  return run;
}

}  // namespace

std::vector<SuiteRun> plan_runs(const Suite& suite) {
  std::vector<SuiteRun> runs;
  std::map<std::string, size_t> index_of;  // run_identity -> its place in runs
  for (const auto& table : suite.tables)
    for (const auto& cell : table.cells) {
      const SuiteOptions options = run_options(suite.options, cell.options);
      for (uint64_t seed : suite.seeds)
        for (const auto& mode : suite.modes) {
          const std::string identity = run_identity(mode, seed, option_lines(options, mode, seed, false));
          const auto [it, is_new] = index_of.emplace(identity, runs.size());
          if (is_new) runs.push_back(new_run(suite.name, cell.key, mode, seed, options));
          std::vector<std::string>& cells = runs[it->second].cells;
          if (std::find(cells.begin(), cells.end(), cell.key) == cells.end()) cells.push_back(cell.key);
        }
    }
  return runs;
}

RunFolders::RunFolders(const std::vector<SuiteRun>& runs) {
  for (const auto& run : runs)
    for (const auto& cell : run.cells) by_own_dir_[run_dir(cell, run.mode, run.seed)] = run.dir;
}

const std::string& RunFolders::of(const std::string& cell_key, const std::string& mode, uint64_t seed) const {
  const std::string own = run_dir(cell_key, mode, seed);
  const auto it = by_own_dir_.find(own);
  if (it == by_own_dir_.end()) throw Error("no planned run serves " + own);
  return it->second;
}

}  // namespace hsgd
