// info_command.cc: `hsgd info` lists models, data set specs and the compute back end.
#include "apps/commands.h"
#include "hsgd/common/machine.h"
#include "hsgd/data/dataset_registry.h"
#include "hsgd/model/model.h"

namespace hsgd::cli {

Command add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "list models and data sets; show the compute back end");
  return {cmd, [] {
            std::printf("models:\n");
            for (const auto& m : model_catalog()) {
              const auto model = make_model(m.name, 1);
              std::printf("  %-10s %9zu parameters, input %s, %.1f MFLOP per training sample, backend auto = %s: %s\n",
                          m.name.c_str(), model->num_params(), model->input_shape().to_string().c_str(),
                          training_flops_per_sample(m) / 1e6, name_of(resolve_backend(m, ModelBackend::kAuto)),
                          m.description.c_str());
            }
            std::printf("--backend auto: %s (docs/performance.md)\n", kBackendRule);
            std::printf("data sets: %s\ndata root: %s\nback end: %s\ncpu: %s; %s\n", dataset_spec_help(),
                        default_data_root().c_str(), compute_backend_summary().c_str(),
                        machine_description().c_str(), cpu_vector_extensions().c_str());
            return 0;
          }};
}

}  // namespace hsgd::cli
