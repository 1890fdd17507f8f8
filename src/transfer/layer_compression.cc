#include "transfer/layer_compression.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "core/compression.h"
#include "core/fs.h"
#include "core/io.h"
#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/worker_pool.h"
#include "transfer/cancel.h"

namespace hoist::transfer {

namespace {

using Json = nlohmann::ordered_json;  // keeps the manifest's key order

// Read and write in 256 KiB: larger buys no speed (the compressor has its own chunks) and costs RSS.
constexpr size_t kBufferSize = 256 << 10;
// libzstd's worker threads for a zstd layer: any N >= 1 gives the same bytes, so this only sets how
// many cores one layer may use (several layers are compressed at once besides).
constexpr int kZstdWorkers = 2;

// The original source, except that the compressed layers come from their spool files.
class SpooledLayerSource : public ImageSource {
 public:
  SpooledLayerSource(ImageSource& original, const CompressedLayers& layers) : original_(original), layers_(layers) {}
  std::string Describe() const override { return original_.Describe(); }
  Result<ManifestBytes> GetManifest(const std::optional<Digest>& instance) override {
    return original_.GetManifest(instance);
  }
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) override {
    auto it = layers_.files().find(blob.digest);
    if (it == layers_.files().end()) return original_.GetBlob(blob, offset);
    HOIST_TRY_ASSIGN(auto file, FdReader::Open(it->second));
    std::unique_ptr<Reader> reader = std::move(file);
    if (offset > 0) {  // only a resumed upload asks for this: skip what the registry has
      ByteBuffer skip(kBufferSize);
      for (uint64_t left = offset; left > 0;) {
        HOIST_TRY_ASSIGN(size_t n, reader->Read(skip.data(), std::min<uint64_t>(left, skip.size())));
        if (n == 0) return IOError("compressed layer " + blob.digest.str() + " is shorter than " + std::to_string(offset));
        left -= n;
      }
    }
    return reader;
  }
  Status WriteBlob(const Descriptor& blob, uint64_t offset, Writer& out) override {
    if (!layers_.files().count(blob.digest)) return original_.WriteBlob(blob, offset, out);
    return ImageSource::WriteBlob(blob, offset, out);
  }
  Result<std::vector<std::string>> ListTags() override { return original_.ListTags(); }
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override {
    return original_.ListAttached(subject);
  }

 private:
  ImageSource& original_;
  const CompressedLayers& layers_;
};

struct Job {
  Descriptor layer;       // as the source has it (uncompressed)
  Descriptor compressed;  // filled in
  std::string path;
};

// Whether `layer` is (re)compressed: an uncompressed one unless `none` is asked; with force, any
// (non-foreign) tar layer compressed otherwise than asked.
bool Wanted(const Descriptor& layer, const LayerCompressionChoice& choice) {
  if (IsForeignLayer(layer.media_type)) return false;
  auto current = LayerCompressionOf(layer.media_type);
  if (!current) return false;
  const Compression target = choice.target.value_or(Compression::kGzip);
  if (*current == Compression::kNone) return target != Compression::kNone;
  return choice.force && *current != target;
}

// The media type of `media_type`'s family for compression `c`.
Result<std::string> MediaTypeFor(const std::string& media_type, Compression c) {
  const bool docker = IsDocker(media_type);
  switch (c) {
    case Compression::kNone: return std::string(docker ? kDockerLayerTar : kOciLayerTar);
    case Compression::kGzip: return std::string(docker ? kDockerLayerGzip : kOciLayerGzip);
    case Compression::kZstd:
      if (docker) {
        return Unsupported("Docker schema 2 has no zstd layers: add --format oci to convert the manifests as well");
      }
      return std::string(kOciLayerZstd);
  }
  return Internal("unknown compression");
}

// Reads the layer (verifying it), (re)compresses it into job.path, and fills job.compressed.
Status CompressOne(ImageSource& source, Job& job, const LayerCompressionChoice& choice) {
  const Compression target = choice.target.value_or(Compression::kGzip);
  HOIST_TRY_ASSIGN(std::string media_type, MediaTypeFor(job.layer.media_type, target));
  int fd = ::open(job.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("create " + job.path, errno);
  FdWriter file(fd, true);
  DigestingWriter hashed(file);
  CompressOptions copt;
  copt.level = choice.level;
  copt.fast = target == Compression::kGzip && !choice.level;
  copt.zstd_workers = kZstdWorkers;
  HOIST_TRY_ASSIGN(auto out, NewCompressingWriter(hashed, target, copt));
  HOIST_TRY_ASSIGN(auto raw, source.GetBlob(job.layer, 0));
  DigestingReader in(*raw);
  auto plain = Decompress(in, LayerCompressionOf(job.layer.media_type).value_or(Compression::kNone));
  ByteBuffer buf(kBufferSize);
  for (;;) {
    if (CancelRequested()) return CancelledError();
    HOIST_TRY_ASSIGN(size_t n, plain->Read(buf.data(), buf.size()));
    if (n == 0) break;
    HOIST_TRY(out->Write(buf.data(), n));
  }
  // The decompressor may stop before the blob's last bytes: the digest must cover them all.
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, in.Read(buf.data(), buf.size()));
    if (n == 0) break;
  }
  HOIST_TRY(in.Verify(job.layer.digest, job.layer.size));
  HOIST_TRY(out->Close());
  job.compressed = job.layer;
  job.compressed.media_type = media_type;
  job.compressed.digest = hashed.Finish();
  job.compressed.size = static_cast<int64_t>(hashed.bytes());
  return Ok();
}

Status CompressAll(ImageSource& source, std::vector<Job>& jobs, int threads, const LayerCompressionChoice& choice) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first = Ok();
  auto work = [&] {
    for (size_t i; (i = next++) < jobs.size();) {
      Status s = CompressOne(source, jobs[i], choice);
      if (s.ok()) continue;
      std::lock_guard<std::mutex> lock(mu);
      if (first.ok()) first = std::move(s).error().WithContext("compressing layer " + jobs[i].layer.digest.str());
      next = jobs.size();
    }
  };
  RunWorkers(std::min(static_cast<size_t>(std::max(1, threads)), std::max<size_t>(1, jobs.size())), work);
  return first;
}

// Points `entries` (a manifest's layers or an index's manifests) at the replacements; true if any changed.
bool Replace(Json& entries, const std::map<Digest, Descriptor>& replacements, bool media_type_too) {
  bool changed = false;
  if (!entries.is_array()) return false;
  for (auto& e : entries) {
    if (!e.is_object() || !e.contains("digest") || !e["digest"].is_string()) continue;
    auto d = Digest::Parse(e["digest"].get<std::string>());
    if (!d.ok()) continue;
    auto it = replacements.find(*d);
    if (it == replacements.end()) continue;
    e["digest"] = it->second.digest.str();
    e["size"] = it->second.size;
    if (media_type_too) e["mediaType"] = it->second.media_type;
    changed = true;
  }
  return changed;
}

// Rewrites the plan's manifests (children before their index, as planned) to name the compressed layers.
void RewritePlan(CopyPlan& plan, const std::vector<Job>& jobs) {
  std::map<Digest, Descriptor> layers, manifests;
  for (const auto& j : jobs) layers[j.layer.digest] = j.compressed;
  for (auto& m : plan.manifests) {
    auto parsed = ParseOrderedJson(m.bytes.bytes);
    if (!parsed.ok() || !parsed->is_object()) continue;
    Json& doc = *parsed;
    bool changed = false;
    if (doc.contains("layers")) changed = Replace(doc["layers"], layers, true);
    if (doc.contains("manifests")) changed = Replace(doc["manifests"], manifests, false) || changed;
    if (!changed) continue;
    Descriptor rewritten = m.descriptor;
    std::string bytes = DumpJson(doc);
    Descriptor fresh = Descriptor::For(m.descriptor.media_type, bytes);
    rewritten.digest = fresh.digest;
    rewritten.size = fresh.size;
    manifests[m.descriptor.digest] = rewritten;
    if (plan.top.digest == m.descriptor.digest) {
      plan.notes.push_back("layers compressed: the image is now " + rewritten.digest.str() +
                           " (it was " + plan.top.digest.str() + ")");
      plan.top.digest = rewritten.digest;
      plan.top.size = rewritten.size;
    }
    m.descriptor = rewritten;
    m.bytes.bytes = std::move(bytes);
  }
  std::vector<Descriptor> blobs;
  std::map<Digest, bool> seen;
  for (const auto& b : plan.blobs) {
    auto it = layers.find(b.digest);
    const Descriptor& d = it == layers.end() ? b : it->second;
    if (!seen[d.digest]) blobs.push_back(d);
    seen[d.digest] = true;
  }
  plan.blobs = std::move(blobs);
}

}  // namespace

CompressedLayers::CompressedLayers(ImageSource& original, TempOwner spool_dir)
    : spool_dir_(std::move(spool_dir)), source_(std::make_unique<SpooledLayerSource>(original, *this)) {}

CompressedLayers::~CompressedLayers() {
  std::error_code ec;
  std::filesystem::remove_all(spool_dir_.path(), ec);  // spool files only: the directory is our own
}

Result<std::unique_ptr<CompressedLayers>> CompressLayers(ImageSource& source, CopyPlan& plan,
                                                          const LayerCompressionOptions& options) {
  std::vector<Job> jobs;
  std::map<Digest, bool> seen;
  for (const auto& m : plan.manifests) {
    auto any = ParseAnyManifest(m.bytes.bytes, m.bytes.media_type);
    if (!any.ok()) continue;
    const auto* image = std::get_if<Manifest>(&*any);
    if (!image) continue;
    for (const auto& l : image->layers()) {
      if (!seen[l.digest] && Wanted(l, options.choice)) jobs.push_back(Job{l, {}, ""});
      seen[l.digest] = true;
    }
  }
  if (jobs.empty()) return std::unique_ptr<CompressedLayers>();

  HOIST_TRY_ASSIGN(TempOwner spool, TempOwner::CreateDir(options.spool_dir, "hoist-layers."));
  const std::string pattern = spool.path();
  auto out = std::make_unique<CompressedLayers>(source, std::move(spool));
  uint64_t raw = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].path = pattern + "/" + std::to_string(i);
    raw += static_cast<uint64_t>(jobs[i].layer.size);
  }
  if (options.progress) {
    const char* name = CompressionName(options.choice.target.value_or(Compression::kGzip)).data();
    options.progress->Note("compressing " + std::to_string(jobs.size()) + " layer(s), " + std::to_string(raw >> 20) +
                           " MiB, with " + name);
  }
  HOIST_TRY(CompressAll(source, jobs, options.jobs, options.choice));
  for (const auto& j : jobs) out->Add(j.compressed.digest, j.path);
  RewritePlan(plan, jobs);
  return out;
}

}  // namespace hoist::transfer
