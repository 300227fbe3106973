// replay_main.cc: a main() for a fuzz target without libFuzzer. It runs the
// target's LLVMFuzzerTestOneInput once on each file named, and on every file
// of each folder named (a missing folder is skipped), so that the normal and
// the sanitizer test builds (tests/CMakeLists.txt: the FuzzReplay.* tests)
// replay fuzz/corpus/<target>/ and fuzz/regressions/<target>/ with gcc.
// A crash, a sanitizer report or an exception the target does not expect
// fails the test.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

static void replay(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    std::exit(2);
  }
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

int main(int argc, char** argv) {
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path p = argv[i];
    if (fs::is_directory(p)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) replay(f), ++count;
    } else if (fs::is_regular_file(p)) {
      replay(p), ++count;
    } else {
      std::printf("%s: not there, skipped\n", p.c_str());
    }
  }
  std::printf("replayed %zu inputs\n", count);
  return 0;
}
