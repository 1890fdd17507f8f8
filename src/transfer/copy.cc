#include "transfer/copy.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "core/io.h"
#include "transfer/blob_copier.h"
#include "transfer/cancel.h"
#include "transfer/layer_compression.h"
#include "transfer/plan_conversion.h"
#include "transfer/uncompressed_layers.h"

namespace hoist::transfer {

namespace {

// The source, with the configs CheckConfigs already read served from memory.
class CheckedConfigs : public ImageSource {
 public:
  CheckedConfigs(ImageSource& inner, const std::map<Digest, std::string>& configs)
      : inner_(inner), configs_(configs) {}
  std::string Describe() const override { return inner_.Describe(); }
  Result<ManifestBytes> GetManifest(const std::optional<Digest>& instance) override {
    return inner_.GetManifest(instance);
  }
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) override {
    auto it = configs_.find(blob.digest);
    if (it == configs_.end() || offset > it->second.size()) return inner_.GetBlob(blob, offset);
    return std::unique_ptr<Reader>(new StringReader(it->second.substr(offset)));
  }
  Status WriteBlob(const Descriptor& blob, uint64_t offset, Writer& out) override {
    if (!configs_.count(blob.digest)) return inner_.WriteBlob(blob, offset, out);
    return ImageSource::WriteBlob(blob, offset, out);
  }
  bool LayersAreCompressed() const override { return inner_.LayersAreCompressed(); }
  Result<std::vector<std::string>> ListTags() override { return inner_.ListTags(); }
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override {
    return inner_.ListAttached(subject);
  }

 private:
  ImageSource& inner_;
  const std::map<Digest, std::string>& configs_;
};

}  // namespace

void CopyReport::Add(const CopyReport& o) {
  manifests += o.manifests;
  copied += o.copied;
  reused += o.reused;
  mounted += o.mounted;
  bytes += o.bytes;
  seconds += o.seconds;
  notes.insert(notes.end(), o.notes.begin(), o.notes.end());
}

Result<CopyReport> Copy(ImageSource& source, ImageDestination& destination, const CopyOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string what = source.Describe() + " → " + destination.Describe();
  auto fail = [&](Error e) { return std::move(e).WithContext("copy " + what); };

  // A docker archive holds single-platform images and no signatures: this machine's platform,
  // unless --platform chose.
  const bool uncompressed = destination.WantsUncompressedLayers();
  PlatformSelection platforms = options.platforms;
  if (uncompressed && (platforms.all || platforms.platforms.empty())) platforms = {false, {Platform::Host()}};
  auto planned = PlanImage(source, platforms, options.tag);
  if (!planned.ok()) return fail(std::move(planned).error());
  CopyPlan plan = std::move(planned).value();
  Status checked = CheckConfigs(source, plan);
  if (!checked.ok()) return fail(std::move(checked).error());
  if (Status wanted = CheckRequestedPlatform(plan, platforms); !wanted.ok()) return fail(std::move(wanted).error());
  if (options.format) {
    Status converted = ConvertPlan(plan, *options.format);
    if (!converted.ok()) return fail(std::move(converted).error());
  }
  CheckedConfigs checked_source(source, plan.configs);
  std::unique_ptr<CompressedLayers> compressed;
  if (!uncompressed && (destination.WantsCompressedLayers() || options.compression.target)) {
    LayerCompressionOptions lc;
    lc.choice = options.compression;
    std::error_code ec;
    lc.spool_dir = options.spool_dir.empty() ? std::filesystem::temp_directory_path(ec).string() : options.spool_dir;
    lc.jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(std::thread::hardware_concurrency())));
    lc.progress = options.progress;
    auto c = CompressLayers(checked_source, plan, lc);
    if (!c.ok()) return fail(std::move(c).error());
    compressed = std::move(c).value();
  }
  ImageSource& from = compressed ? compressed->source() : checked_source;
  if (options.signatures && !uncompressed) {
    Status s = PlanAttached(from, plan);
    if (!s.ok()) return fail(std::move(s).error());
  }
  if (options.progress) {
    for (const auto& n : plan.notes) options.progress->Note(n);
    options.progress->Begin(destination.Describe(), plan.blobs.size(), plan.blob_bytes());
  }

  // Blobs first: a manifest is only sent once everything it names is there.
  BlobCopier blobs(from, destination, options.jobs, options.progress);
  auto counts = uncompressed ? PutUncompressedImages(from, destination, plan, options.progress) : blobs.Run(plan.blobs);
  if (!counts.ok()) return fail(std::move(counts).error());

  for (const auto& m : plan.manifests) {
    if (CancelRequested()) return fail(CancelledError());
    Status s = destination.PutManifest(m.bytes, m.tag);
    if (!s.ok()) return fail(std::move(s).error().WithContext("manifest " + m.descriptor.digest.str()));
    if (m.descriptor.digest != plan.top.digest) continue;
    for (const auto& extra : options.additional_tags) {
      Status named = destination.PutManifest(m.bytes, extra);
      if (!named.ok()) return fail(std::move(named).error().WithContext("--additional-tag " + extra));
    }
  }
  Status committed = destination.Commit();
  if (!committed.ok()) return fail(std::move(committed).error());

  CopyReport report;
  report.source = source.Describe();
  report.destination = destination.Describe();
  report.image = plan.top;
  report.manifests = static_cast<int>(plan.manifests.size());
  report.copied = counts->copied;
  report.reused = counts->reused;
  report.mounted = counts->mounted;
  report.bytes = counts->bytes;
  report.notes = plan.notes;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace hoist::transfer
