// How a mirror shares its blob streams among the images it copies at once.

#include <catch2/catch.hpp>

#include "transfer/mirror/mirror_run.h"

using hoist::transfer::mirror::BlobJobsPerImage;
using hoist::transfer::mirror::MirrorOptions;

TEST_CASE("mirror blob jobs: many images copy one blob each at a time, a few images several") {
  MirrorOptions o;
  o.image_jobs = 8;
  o.blob_jobs = 4;
  CHECK(BlobJobsPerImage(o, 100) == 1);  // 8 images × 1 blob
  CHECK(BlobJobsPerImage(o, 8) == 1);
  CHECK(BlobJobsPerImage(o, 3) == 2);    // 3 × 2 within 8
  CHECK(BlobJobsPerImage(o, 2) == 4);    // 2 × 4
  CHECK(BlobJobsPerImage(o, 1) == 4);    // never above --blob-jobs
  CHECK(BlobJobsPerImage(o, 0) == 4);
  o.image_jobs = 1;
  CHECK(BlobJobsPerImage(o, 100) == 4);  // one image at a time gets all its blob jobs
  o.image_jobs = 2;
  o.blob_jobs = 16;
  CHECK(BlobJobsPerImage(o, 100) == 8);  // 2 × 8 within 16
  o.image_jobs = 0;  // nonsense settings still give at least one
  o.blob_jobs = 0;
  CHECK(BlobJobsPerImage(o, 10) == 1);
}
