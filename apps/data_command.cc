// data_command.cc: `hsgd data SPEC` loads a data set through the same readers
// training uses and describes it (counts, shape, labels, normalisation).
#include <array>

#include "apps/commands.h"
#include "hsgd/data/dataset_registry.h"

namespace hsgd::cli {
namespace {

void describe(const char* split, const ImageSet& set, int num_classes) {
  std::vector<size_t> counts(num_classes, 0);
  for (uint8_t label : set.labels) ++counts[label];
  std::printf("%-5s %6zu images of %s, %s (%zu bytes each); per class:", split, set.size(),
              set.shape.to_string().c_str(), sample_type_name(set.type), set.bytes_per_sample());
  for (size_t c : counts) std::printf(" %zu", c);
  std::printf("\n");
}

}  // namespace

Command add_data_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("data", "load a data set and describe it (checks every file)");
  auto spec = std::make_shared<std::string>();
  auto root = std::make_shared<std::string>();
  cmd->add_option("spec", *spec, std::string("data set: ") + dataset_spec_help())->required();
  cmd->add_option("--data-root", *root, "folder of named data sets");
  return {cmd, [spec, root] {
            const Dataset ds = load_dataset(*spec, root->empty() ? default_data_root() : *root);
            std::printf("data set %s: %s\n", ds.name.c_str(), describe_classes(ds).c_str());
            for (const auto& note : ds.notes) std::printf("note: %s\n", note.c_str());
            describe("train", ds.train, ds.num_classes);
            describe("test", ds.test, ds.num_classes);
            std::printf("normalisation: mean");
            for (float m : ds.normalization.mean) std::printf(" %.4f", m);
            std::printf(", std");
            for (float s : ds.normalization.stddev) std::printf(" %.4f", s);
            std::printf("\n");
            return 0;
          }};
}

}  // namespace hsgd::cli
