// save, load, import and export as a user runs them: pipes, compression, bad input, SIGKILL in the
// middle, and several loads into one store at once.

#include <catch2/catch.hpp>

#include <set>

#include "archive_test_support.h"

using namespace hoist::testing;

namespace {

const std::string kHoist = HOIST_BINARY;

// Every blob hashes to its name and index.json parses: `hoist fsck` when it exists, else by hand.
void ExpectStoreValid(const TempDir& dir) {
  auto fsck = RunHoist({"fsck"}, StoreEnv(dir));
  if (fsck.exit_code != 2 || fsck.err.find("unknown command") == std::string::npos) {
    INFO(fsck.out << fsck.err);
    CHECK(fsck.exit_code == 0);
    return;
  }
  ReadJson(dir / "store/index.json");
  auto check = Sh("cd " + dir / "store/blobs/sha256" +
                  " && for f in *; do [ \"$(sha256sum < $f | cut -d' ' -f1)\" = \"$f\" ] || echo BAD $f; done");
  CHECK(check.exit_code == 0);
  CHECK(check.out.empty());
}

}  // namespace

TEST_CASE("save to a pipe loads from a pipe, also gzip- and zstd-compressed") {
  TempDir dir, other;
  ImportImage(dir, "pipe/a:1", "a");
  ImportImage(dir, "pipe/b:1", "b");
  std::string save = kHoist + " --store " + dir / "store" + " save pipe/a:1 pipe/b:1";
  std::string load = kHoist + " --store " + other / "store" + " load";
  for (std::string filter : {"cat", "gzip -1", "zstd -q -c"}) {
    INFO(filter);
    auto r = Sh(save + " | " + filter + " | " + load);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "Loaded image: pipe/a:1\nLoaded image: pipe/b:1\n");
  }
  auto oci = Sh(kHoist + " --store " + dir / "store" + " save --format oci-archive pipe/a:1 | " + load);
  INFO(oci.err);
  CHECK(oci.exit_code == 0);
  CHECK(oci.out == "Loaded image: pipe/a:1\n");
  ExpectStoreValid(other);
}

TEST_CASE("save, load, import and export have complete help") {
  for (const char* cmd : {"save", "load", "import", "export"}) {
    INFO(cmd);
    auto r = RunHoist({cmd, "--help"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Examples:"));
    CHECK_THAT(r.out, Catch::Contains("Exit codes:"));
  }
  CHECK_THAT(RunHoist({"save", "--help"}).out, Catch::Contains("diff_id"));
  auto bad = RunHoist({"save", "--format", "zip", "x:1"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("docker-archive (or v2s2), oci-archive or oci"));
}

TEST_CASE("load of a corrupt archive fails clearly (exit 5) and changes nothing") {
  TempDir dir, other;
  ImportImage(dir, "bad/a:1", "a");
  REQUIRE(RunHoist({"save", "-o", dir / "a.tar", "bad/a:1"}, StoreEnv(dir)).exit_code == 0);
  // Flip a byte inside the first layer's data (after the config and the directory headers).
  REQUIRE(Sh("mkdir -p " + dir / "x" + " && tar -C " + dir / "x" + " -xf " + dir / "a.tar" + " && cd " + dir / "x" +
             " && f=$(grep -o 'blobs/sha256/[0-9a-f]*' manifest.json | sed -n 2p) && printf Z | dd of=$f bs=1 seek=600 "
             "conv=notrunc 2>/dev/null && tar -cf " + dir / "bad.tar" + " *")
              .exit_code == 0);
  REQUIRE(RunHoist({"load", "-i", dir / "a.tar"}, StoreEnv(other)).exit_code == 0);
  std::string before = ReadFile(other / "store/index.json");
  auto r = RunHoist({"load", "-i", dir / "bad.tar"}, StoreEnv(other));
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.err, Catch::Contains("digest"));
  CHECK(ReadFile(other / "store/index.json") == before);
  auto missing = RunHoist({"load", "-i", dir / "no-such.tar"}, StoreEnv(other));
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.err, Catch::Contains("no-such.tar"));
}

TEST_CASE("SIGKILL in the middle of load or save leaves a valid store") {
  TempDir dir, other;
  ImportImage(dir, "kill/a:1", "a");
  REQUIRE(RunHoist({"save", "-o", dir / "a.tar", "kill/a:1"}, StoreEnv(dir)).exit_code == 0);
  // load: half the archive arrives, then the writer stalls and hoist is killed while it waits.
  // Killed once it has made the store (a slow, loaded machine may take longer than a second to start).
  auto load = Sh("(head -c 200000 " + dir / "a.tar" + "; sleep 20) | " + kHoist + " --store " + other / "store" +
                 " load & p=$!; for i in $(seq 150); do [ -f " + other / "store/index.json" +
                 " ] && break; sleep 0.1; done; sleep 0.5; kill -9 $p; wait $p; echo $?");
  CHECK(load.out == "137\n");
  ExpectStoreValid(other);
  // save: the reader stalls so hoist blocks in the middle of writing, and is killed there.
  auto save = Sh("mkfifo " + dir / "fifo" + "; (exec 3<" + dir / "fifo" + "; sleep 5) & " + kHoist + " --store " +
                 dir / "store" + " save kill/a:1 > " + dir / "fifo" + " & p=$!; sleep 1; kill -9 $p; wait $p; echo $?");
  CHECK(save.out == "137\n");
  ExpectStoreValid(dir);
  // Both stores still work.
  auto again = RunHoist({"load", "-i", dir / "a.tar"}, StoreEnv(other));
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out == "Loaded image: kill/a:1\n");
}

TEST_CASE("four loads into one store at the same time keep every image") {
  TempDir dir, other;
  std::string script;
  for (int i = 0; i < 4; ++i) {
    std::string ref = "conc/img" + std::to_string(i) + ":1";
    ImportImage(dir, ref, "s" + std::to_string(i));
    std::string file = dir / ("a" + std::to_string(i) + ".tar");
    REQUIRE(RunHoist({"save", "-o", file, ref}, StoreEnv(dir)).exit_code == 0);
    script += kHoist + " --store " + other / "store" + " load -q -i " + file + " & ";
  }
  auto r = Sh(script + "wait");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto index = ReadJson(other / "store/index.json");
  std::set<std::string> names;
  for (const auto& m : index["manifests"]) names.insert(m["annotations"]["org.opencontainers.image.ref.name"]);
  for (int i = 0; i < 4; ++i) CHECK(names.count("docker.io/conc/img" + std::to_string(i) + ":1") == 1);
  ExpectStoreValid(other);
}

TEST_CASE("import then export gives back the root filesystem") {
  TempDir dir;
  REQUIRE(Sh("mkdir -p " + dir / "rootfs/etc" + " && echo hello > " + dir / "rootfs/etc/motd" + " && ln -s motd " +
             dir / "rootfs/etc/link" + " && tar -C " + dir / "rootfs" + " -czf " + dir / "rootfs.tgz" + " .")
              .exit_code == 0);
  auto imp = RunHoist({"import", dir / "rootfs.tgz", "roundtrip:1", "-m", "test", "--change", "ENV A=b"}, StoreEnv(dir));
  INFO(imp.err);
  REQUIRE(imp.exit_code == 0);
  CHECK_THAT(imp.out, Catch::StartsWith("sha256:"));
  auto exp = RunHoist({"export", "-o", dir / "out.tar", "roundtrip:1"}, StoreEnv(dir));
  INFO(exp.err);
  REQUIRE(exp.exit_code == 0);
  auto list = Sh("tar -tvf " + dir / "out.tar" + " | awk '{print $1, $6, $7, $8}'");
  CHECK_THAT(list.out, Catch::Contains("etc/motd"));
  CHECK_THAT(list.out, Catch::Contains("etc/link -> motd"));
  CHECK(Sh("tar -xOf " + dir / "out.tar" + " etc/motd").out == "hello\n");
  // A JSON array holds commas: each --change must arrive whole.
  auto cmd = RunHoist({"import", dir / "rootfs.tgz", "cmd:1", "--change", R"(CMD ["/bin/sh", "-c", "echo a,b"])",
                       "-c", "ENV A=1,2"},
                      StoreEnv(dir));
  INFO(cmd.err);
  REQUIRE(cmd.exit_code == 0);
  auto config = RunHoist({"inspect", "--config", "cmd:1"}, StoreEnv(dir));
  REQUIRE(config.exit_code == 0);
  CHECK_THAT(config.out, Catch::Contains(R"(echo a,b)"));
  CHECK_THAT(config.out, Catch::Contains(R"(A=1,2)"));
  auto bad = RunHoist({"import", dir / "rootfs.tgz", "x:1", "--change", "RUN true"}, StoreEnv(dir));
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("unsupported instruction"));
  // SOURCE_DATE_EPOCH sets the creation time; garbage there is refused, not silently replaced by now.
  auto env = StoreEnv(dir);
  env.push_back("SOURCE_DATE_EPOCH=1700000000");
  REQUIRE(RunHoist({"import", dir / "rootfs.tgz", "epoch:1"}, env).exit_code == 0);
  CHECK_THAT(RunHoist({"inspect", "--config", "epoch:1"}, StoreEnv(dir)).out,
             Catch::Contains("2023-11-14T22:13:20Z"));
  env.back() = "SOURCE_DATE_EPOCH=yesterday";
  auto garbage = RunHoist({"import", dir / "rootfs.tgz", "epoch:2"}, env);
  CHECK(garbage.exit_code != 0);
  CHECK_THAT(garbage.err, Catch::Contains("SOURCE_DATE_EPOCH must be a number of seconds"));
  CHECK(RunHoist({"inspect", "epoch:2"}, StoreEnv(dir)).exit_code != 0);
}

TEST_CASE("a SIGKILLed load leaves temp space that fsck reports and prune frees at once") {
  TempDir dir, other;
  ImportImage(dir, "leak/a:1", "a");
  REQUIRE(RunHoist({"save", "-o", dir / "a.tar", "leak/a:1"}, StoreEnv(dir)).exit_code == 0);
  // Part of the archive arrives through a FIFO that stays open, and hoist is killed while it waits.
  auto load = Sh("mkfifo " + dir / "in" + " && { " + kHoist + " --store " + other / "store" + " load -i " +
                 dir / "in" + " >/dev/null 2>&1 & p=$!; exec 3>" + dir / "in" + "; head -c 200000 " + dir / "a.tar" +
                 " >&3; sleep 1; kill -9 $p; wait $p; echo $?; }");
  REQUIRE(load.out == "137\n");
  const std::string tmp = other / "store/.hoist/tmp";
  auto before = Sh("ls " + tmp + " && du -sb " + tmp + " | cut -f1");
  INFO(before.out);
  CHECK_THAT(before.out, Catch::Contains("load-"));
  auto fsck = RunHoist({"fsck"}, StoreEnv(other));
  INFO(fsck.out << fsck.err);
  CHECK(fsck.exit_code == 0);  // wasted space, not damage
  CHECK_THAT(fsck.out, Catch::Contains("leftover-temp"));
  auto prune = RunHoist({"prune"}, StoreEnv(other));
  INFO(prune.out << prune.err);
  CHECK(prune.exit_code == 0);
  CHECK(Sh("ls " + tmp).out.find("load-") == std::string::npos);
  CHECK(RunHoist({"fsck"}, StoreEnv(other)).out.find("leftover-temp") == std::string::npos);
}

TEST_CASE("save and export -o write into a device or FIFO and through a symlink, never replacing them") {
  TempDir dir;
  ImportImage(dir, "out/a:1", "a");
  // Device nodes of our own (root): a regression must never replace the machine's /dev/full.
  REQUIRE(Sh("mknod " + dir / "full" + " c 1 7 && mknod " + dir / "null" + " c 1 3").exit_code == 0);
  auto full = RunHoist({"save", "-o", dir / "full", "out/a:1"}, StoreEnv(dir));
  CHECK(full.exit_code == 1);
  CHECK_THAT(full.err, Catch::Contains("No space left on device"));
  auto full_export = RunHoist({"export", "-o", dir / "full", "out/a:1"}, StoreEnv(dir));
  CHECK(full_export.exit_code == 1);
  CHECK(RunHoist({"save", "-o", dir / "null", "out/a:1"}, StoreEnv(dir)).exit_code == 0);
  CHECK(RunHoist({"export", "-o", dir / "null", "out/a:1"}, StoreEnv(dir)).exit_code == 0);
  CHECK(Sh("test -c " + dir / "full" + " && test -c " + dir / "null").exit_code == 0);
  // A FIFO is written into; its reader gets the whole archive.
  auto fifo = Sh("mkfifo " + dir / "fifo" + " && { cat " + dir / "fifo" + " > " + dir / "via-fifo.tar" + " & " + kHoist +
                 " --store " + dir / "store" + " save -o " + dir / "fifo" + " out/a:1; wait; test -p " + dir / "fifo" +
                 " && tar -tf " + dir / "via-fifo.tar" + " | grep -c manifest.json; }");
  INFO(fifo.err);
  CHECK(fifo.out == "1\n");
  // /dev/stdout is a symlink to /proc/self/fd/1, a pipe here: written into, as docker save does.
  auto to_stdout = Sh(kHoist + " --store " + dir / "store" + " save -o /dev/stdout out/a:1 | tar -tf - | grep -c "
                      "manifest.json; test -L /dev/stdout && echo link");
  INFO(to_stdout.err);
  CHECK(to_stdout.out == "1\nlink\n");
  // A symlink stays; its target is replaced.
  REQUIRE(Sh("echo old > " + dir / "target.tar" + " && ln -s target.tar " + dir / "link.tar").exit_code == 0);
  REQUIRE(RunHoist({"export", "-o", dir / "link.tar", "out/a:1"}, StoreEnv(dir)).exit_code == 0);
  CHECK(Sh("test -L " + dir / "link.tar" + " && tar -tf " + dir / "target.tar" + " | grep -c etc/a").out == "1\n");
}

TEST_CASE("export of an image whose layer is corrupt in the store fails with exit 5 and writes nothing") {
  TempDir dir;
  ImportImage(dir, "bad/export:1", "a");
  auto layers = LayerDigests(StoreManifest(dir, "docker.io/bad/export:1"));
  REQUIRE(layers.size() == 1);
  const std::string blob = dir / ("store/blobs/sha256/" + layers[0].substr(7));
  REQUIRE(Sh("chmod u+w " + blob + " && printf Z | dd of=" + blob + " bs=1 seek=100000 conv=notrunc 2>/dev/null")
              .exit_code == 0);
  auto r = RunHoist({"export", "-o", dir / "out.tar", "bad/export:1"}, StoreEnv(dir));
  INFO(r.err);
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.err, Catch::Contains("digest"));
  CHECK(Sh("test -e " + dir / "out.tar").exit_code != 0);
  CHECK(Sh("ls -A " + dir.path() + " | grep -c tmp-").out == "0\n");  // no temp file left beside it
}
