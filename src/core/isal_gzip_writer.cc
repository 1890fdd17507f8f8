#include "core/isal_gzip_writer.h"

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hoist {

namespace {

// The input is cut into chunks of this size, each deflated on its own (no back-references into the
// previous chunk, as pigz --independent), ending on a byte boundary: the chunks' outputs joined
// make one deflate stream. The cut depends on the input alone, so any number of workers gives the
// same bytes. 512 KiB costs about 0.2% of size against one stream (0.07% more than 1 MiB chunks
// for a tar of /usr/lib) and halves the memory held.
constexpr size_t kChunkSize = 512 << 10;
// Chunks are recycled, never freed mid-stream: at most workers + 1 exist (one per worker being
// deflated, one being filled), so a stream holds about (workers + 1) × 1.1 MiB however long it is.
// gzip header as RFC 1952 with no name, mtime 0, no extra flags, OS unknown: reproducible.
constexpr unsigned char kGzipHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};

// Deflate's output room: ISA-L may spill past its input on incompressible data (stored blocks).
size_t OutputBound(size_t in) { return in + in / 8 + 1024; }

struct Chunk {
  std::vector<uint8_t> in;
  // Raw storage, not a vector: a vector's resize would zero (and so make resident) all of it,
  // where compressible input touches only the part deflate writes.
  std::unique_ptr<uint8_t[]> out;
  size_t out_capacity = 0;
  size_t out_size = 0;
  bool last = false;
  bool claimed = false;
  bool done = false;
  int error = COMP_OK;
};

// Makes room for `capacity` output bytes, keeping what is there.
void Grow(Chunk& c, size_t capacity) {
  std::unique_ptr<uint8_t[]> bigger(new uint8_t[capacity]);
  if (c.out_size > 0) std::memcpy(bigger.get(), c.out.get(), c.out_size);
  c.out = std::move(bigger);
  c.out_capacity = capacity;
}

// Deflates one chunk at ISA-L's level 1: a non-last chunk ends with a sync flush (an empty stored
// block, byte-aligned, not final), the last one with the final block.
// ISA-L's working memory for one deflating thread, not zeroed: isal_deflate_init sets what it reads,
// and pages it never touches stay out of RSS.
struct LevelBuffer {
  std::unique_ptr<uint8_t[]> data{new uint8_t[ISAL_DEF_LVL1_DEFAULT]};
  uint32_t size = ISAL_DEF_LVL1_DEFAULT;
};

void Deflate(Chunk& c, LevelBuffer& level_buf) {
  isal_zstream zs;
  isal_deflate_init(&zs);
  zs.level = 1;
  zs.level_buf = level_buf.data.get();
  zs.level_buf_size = level_buf.size;
  zs.gzip_flag = IGZIP_DEFLATE;
  zs.flush = c.last ? NO_FLUSH : SYNC_FLUSH;
  zs.end_of_stream = c.last ? 1 : 0;
  zs.next_in = c.in.data();
  zs.avail_in = static_cast<uint32_t>(c.in.size());
  c.out_size = 0;
  if (c.out_capacity < OutputBound(c.in.size())) Grow(c, OutputBound(c.in.size()));
  size_t used = 0;
  for (;;) {
    zs.next_out = c.out.get() + used;
    zs.avail_out = static_cast<uint32_t>(c.out_capacity - used);
    int ret = isal_deflate(&zs);
    if (ret != COMP_OK) {
      c.error = ret;
      return;
    }
    used = c.out_capacity - zs.avail_out;
    const bool finished = c.last ? zs.internal_state.state == ZSTATE_END : zs.avail_in == 0 && zs.avail_out > 0;
    if (finished) break;
    Grow(c, c.out_capacity * 2);
  }
  c.out_size = used;
}

class IsalGzipWriter : public CompressingWriter {
 public:
  IsalGzipWriter(Writer& out, int workers) : out_(out) {
    // One level buffer per deflating thread: the workers', or the caller's when there are none.
    for (int i = 0; i < std::max(1, workers); ++i) level_bufs_.emplace_back();
    for (int i = 0; i < workers; ++i) {
      threads_.emplace_back([this, i] { Work(level_bufs_[static_cast<size_t>(i)]); });
    }
    max_in_flight_ = static_cast<size_t>(workers);
    NewChunk();
  }

  ~IsalGzipWriter() override { Stop(); }

  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (closed_) return Internal("gzip: write after the stream was closed");
    if (!header_written_) {
      HOIST_TRY(out_.Write(reinterpret_cast<const char*>(kGzipHeader), sizeof kGzipHeader));
      header_written_ = true;
    }
    while (n > 0) {
      size_t take = std::min(n, kChunkSize - current_->in.size());
      const auto* bytes = reinterpret_cast<const uint8_t*>(data);
      current_->in.insert(current_->in.end(), bytes, bytes + take);
      crc_ = crc32_gzip_refl(crc_, bytes, take);
      total_ += take;
      data += take;
      n -= take;
      if (current_->in.size() == kChunkSize) {
        Submit();
        HOIST_TRY(Drain(max_in_flight_));
        NewChunk();
      }
    }
    return Ok();
  }

  Status Close() override {
    if (closed_) return Ok();
    closed_ = true;
    if (!header_written_) {
      HOIST_TRY(out_.Write(reinterpret_cast<const char*>(kGzipHeader), sizeof kGzipHeader));
      header_written_ = true;
    }
    current_->last = true;
    Submit();
    HOIST_TRY(Drain(0));
    Stop();
    unsigned char trailer[8];
    const uint32_t size = static_cast<uint32_t>(total_);  // ISIZE: the length modulo 2^32
    for (int i = 0; i < 4; ++i) {
      trailer[i] = static_cast<unsigned char>(crc_ >> (8 * i));
      trailer[4 + i] = static_cast<unsigned char>(size >> (8 * i));
    }
    return out_.Write(reinterpret_cast<const char*>(trailer), sizeof trailer);
  }

 private:
  // The chunk to fill next: a written one again, or a new one while fewer than workers + 1 exist.
  void NewChunk() {
    if (!spare_.empty()) {
      current_ = std::move(spare_.back());
      spare_.pop_back();
      current_->in.clear();
      current_->out_size = 0;
      current_->last = current_->claimed = current_->done = false;
      current_->error = COMP_OK;
      return;
    }
    current_ = std::make_shared<Chunk>();
    current_->in.reserve(kChunkSize);
  }

  void Submit() {
    if (threads_.empty()) {  // no workers: compress here
      Deflate(*current_, level_bufs_[0]);
      current_->done = true;
      queue_.push_back(current_);
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(current_);
    work_.notify_one();
  }

  // Writes the finished chunks at the front, in order; waits for the front one while more than
  // `keep` chunks are in flight (0: until every chunk is written). With keep = workers, the caller
  // fills the next chunk while every worker deflates one.
  Status Drain(size_t keep) {
    for (;;) {
      std::shared_ptr<Chunk> front;
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (queue_.empty()) return Ok();
        if (!queue_.front()->done) {
          if (queue_.size() <= keep) return Ok();
          done_.wait(lock, [&] { return queue_.front()->done; });
        }
        front = queue_.front();
        queue_.pop_front();
      }
      if (front->error != COMP_OK) {
        return Internal("gzip: ISA-L deflate failed (" + std::to_string(front->error) + ")");
      }
      HOIST_TRY(out_.Write(reinterpret_cast<const char*>(front->out.get()), front->out_size));
      spare_.push_back(std::move(front));
    }
  }

  void Work(LevelBuffer& level_buf) {
    for (;;) {
      std::shared_ptr<Chunk> chunk;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_.wait(lock, [&] { return stopping_ || NextUnclaimed() != nullptr; });
        chunk = NextUnclaimed();
        if (!chunk) return;  // stopping, nothing left
        chunk->claimed = true;
      }
      Deflate(*chunk, level_buf);
      {
        std::lock_guard<std::mutex> lock(mu_);
        chunk->done = true;
      }
      done_.notify_all();
    }
  }

  std::shared_ptr<Chunk> NextUnclaimed() const {
    for (const auto& c : queue_) {
      if (!c->claimed) return c;
    }
    return nullptr;
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  Writer& out_;
  std::deque<LevelBuffer> level_bufs_;  // one per thread; a deque never moves them
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable work_, done_;
  std::deque<std::shared_ptr<Chunk>> queue_;  // submitted, in stream order
  std::shared_ptr<Chunk> current_;            // being filled
  std::vector<std::shared_ptr<Chunk>> spare_;  // written, to be filled again
  size_t max_in_flight_ = 1;
  uint32_t crc_ = 0;
  uint64_t total_ = 0;
  bool header_written_ = false;
  bool stopping_ = false;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<CompressingWriter>> NewIsalGzipWriter(Writer& out, int workers) {
  return std::unique_ptr<CompressingWriter>(std::make_unique<IsalGzipWriter>(out, std::max(0, workers)));
}

}  // namespace hoist
