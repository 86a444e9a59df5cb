#!/usr/bin/env bash
# Fuzzes the game decoders (F1 and Forza), their mappers and spec JSON writers with libFuzzer, through SharpFuzz.
#   bash tests/FormulaTel.Fuzz/fuzz.sh [SECONDS]      (default 1800; 0 runs until stopped)
# Installs clang-14 and its fuzzer runtime (Debian) and SharpFuzz's instrumenting tool when missing, builds the driver,
# publishes the target, instruments the game libraries, seeds the corpus with the real F1 and Forza captures and runs.
# Findings (inputs that made the target throw) land in artifacts/fuzz/findings/; replay one with
#   dotnet run --project FormulaTel.Ingest -- decode artifacts/fuzz/findings/crash-...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/artifacts/fuzz"
seconds="${1:-1800}"
mkdir -p "$out/corpus" "$out/findings"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v clang++-14 >/dev/null 2>&1 || [ ! -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ]; then
  echo "==> installing clang-14 and its fuzzer runtime"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq clang-14 libclang-rt-14-dev libfuzzer-14-dev >/dev/null
fi

if [ ! -x "$out/tools/sharpfuzz" ]; then
  echo "==> installing the SharpFuzz instrumenting tool"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools" >/dev/null
fi

echo "==> building the libFuzzer driver"
clang++-14 -O2 -fsanitize=fuzzer "$here/libfuzzer-dotnet-driver.cc" -o "$out/libfuzzer-dotnet"

echo "==> publishing and instrumenting the target"
rm -rf "$out/target"
dotnet publish "$here/FormulaTel.Fuzz.csproj" -c Release -o "$out/target" -nologo -v:q
for library in FormulaTel.Games FormulaTel.Games.F1 FormulaTel.Games.Forza; do
  "$out/tools/sharpfuzz" "$out/target/$library.dll"
done

fixtures="${FORMULATEL_FIXTURES:-$root/../shared/fixtures/f1}"
if [ -z "$(ls -A "$out/corpus")" ] && [ -d "$fixtures/packets" ]; then
  cp "$fixtures"/packets/*.bin "$out/corpus/"
  if [ -d "$fixtures/../forza/packets" ]; then
    cp "$fixtures"/../forza/packets/*.bin "$out/corpus/"
  fi
fi

echo "==> fuzzing for ${seconds}s (0 = until stopped)"
exec "$out/libfuzzer-dotnet" --target_path="$out/target/FormulaTel.Fuzz" \
  -max_len=2048 -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix="$out/findings/" "$out/corpus"
