// A libFuzzer driver for .NET targets built with SharpFuzz (Fuzzer.LibFuzzer.Run).
//
// libFuzzer runs this process; it starts the .NET target once and, per input, hands it the bytes through a shared
// memory segment and reads back the target's coverage and result. The contract SharpFuzz's LibFuzzer.Run expects:
//   - environment: __LIBFUZZER_SHM_ID (a SysV shared memory id), __LIBFUZZER_CONTROL_PIPE_ID = 198,
//     __LIBFUZZER_STATUS_PIPE_ID = 199 (file descriptors open in the target);
//   - the segment: 64 KiB of edge counters, then up to 1 MiB of input;
//   - the target writes a 4-byte word on the status pipe when ready; then for each input the driver writes the
//     4-byte input length on the control pipe and the target answers with a 4-byte status (0 = passed).
// Build: clang++-14 -O2 -fsanitize=fuzzer libfuzzer-dotnet-driver.cc -o libfuzzer-dotnet
// Run:   ./libfuzzer-dotnet --target_path=PATH_TO_TARGET [libFuzzer flags] CORPUS_DIR...

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/shm.h>
#include <unistd.h>

// libFuzzer treats this section as extra coverage counters; the target's counters are copied in after each run.
// External and `used`, or the compiler drops an array nothing in this file reads.
extern "C" {
__attribute__((used, section("__libfuzzer_extra_counters"))) uint8_t formulatel_extra_counters[1 << 16];
}

namespace {

constexpr size_t kCoverageSize = 1 << 16;
constexpr size_t kMaxInput = 1 << 20;
constexpr int kControlFd = 198;
constexpr int kStatusFd = 199;

uint8_t *g_shared = nullptr;
int g_shm_id = -1;
int g_control = -1;
int g_status = -1;

[[noreturn]] void Fail(const char *what) {
  std::fprintf(stderr, "libfuzzer-dotnet: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void WriteWord(int fd, uint32_t value) {
  for (;;) {
    ssize_t n = write(fd, &value, sizeof value);
    if (n == static_cast<ssize_t>(sizeof value)) return;
    if (n < 0 && errno == EINTR) continue;
    Fail("writing to the target");
  }
}

// Returns false when the target closed the pipe (it died).
bool ReadWord(int fd, uint32_t *value) {
  for (;;) {
    ssize_t n = read(fd, value, sizeof *value);
    if (n == static_cast<ssize_t>(sizeof *value)) return true;
    if (n == 0) return false;
    if (n < 0 && errno == EINTR) continue;
    Fail("reading from the target");
  }
}

const char *FlagValue(int argc, char **argv, const char *name) {
  size_t length = std::strlen(name);
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], name, length) == 0 && argv[i][length] == '=') return argv[i] + length + 1;
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *target = FlagValue(*argc, *argv, "--target_path");
  if (target == nullptr) {
    std::fprintf(stderr, "libfuzzer-dotnet: give the .NET target with --target_path=PATH\n");
    std::exit(1);
  }

  int control[2];
  int status[2];
  if (pipe(control) != 0 || pipe(status) != 0) Fail("pipe");

  g_shm_id = shmget(IPC_PRIVATE, kCoverageSize + kMaxInput, IPC_CREAT | IPC_EXCL | 0600);
  if (g_shm_id < 0) Fail("shmget");
  std::atexit([] { shmctl(g_shm_id, IPC_RMID, nullptr); });
  g_shared = static_cast<uint8_t *>(shmat(g_shm_id, nullptr, 0));
  if (g_shared == reinterpret_cast<uint8_t *>(-1)) Fail("shmat");

  pid_t pid = fork();
  if (pid < 0) Fail("fork");
  if (pid == 0) {
    if (dup2(control[0], kControlFd) < 0 || dup2(status[1], kStatusFd) < 0) Fail("dup2");
    close(control[0]);
    close(control[1]);
    close(status[0]);
    close(status[1]);
    char id[16];
    std::snprintf(id, sizeof id, "%d", g_shm_id);
    setenv("__LIBFUZZER_SHM_ID", id, 1);
    setenv("__LIBFUZZER_CONTROL_PIPE_ID", "198", 1);
    setenv("__LIBFUZZER_STATUS_PIPE_ID", "199", 1);
    execl(target, target, static_cast<char *>(nullptr));
    Fail("starting the target");
  }

  close(control[0]);
  close(status[1]);
  g_control = control[1];
  g_status = status[0];

  uint32_t ready;
  if (!ReadWord(g_status, &ready)) {
    std::fprintf(stderr, "libfuzzer-dotnet: the target exited before it was ready\n");
    std::exit(1);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInput) return 0;  // beyond the shared segment; libFuzzer's -max_len keeps inputs far smaller
  std::memset(g_shared, 0, kCoverageSize);
  std::memcpy(g_shared + kCoverageSize, data, size);
  WriteWord(g_control, static_cast<uint32_t>(size));

  uint32_t result;
  bool alive = ReadWord(g_status, &result);
  std::memcpy(formulatel_extra_counters, g_shared, kCoverageSize);
  if (!alive) {
    std::fprintf(stderr, "libfuzzer-dotnet: the target died\n");
    __builtin_trap();
  }
  if (result != 0) __builtin_trap();  // the target threw: libFuzzer saves the input as a crash
  return 0;
}
