// batch_test.cc: uint8 images become normalised float batches, float32 sets
// reach them bit for bit; statistics are right.
#include "hsgd/data/batch.h"

#include <gtest/gtest.h>

#include <cstring>

namespace hsgd {
namespace {

ImageSet two_channel_set() {
  ImageSet set;
  set.shape = {2, 1, 2};  // 2 channels of 1x2 pixels
  set.pixels = {0, 255, 51, 102,  /* image 0 */ 255, 0, 0, 0 /* image 1 */};
  set.labels = {3, 7};
  return set;
}

TEST(Batch, NormalisesPerChannelInTheGivenOrder) {
  const ImageSet set = two_channel_set();
  const Normalization norm{{0.5f, 0.2f}, {0.5f, 0.1f}};
  Batch batch;
  const size_t order[] = {1, 0};
  fill_batch(set, norm, order, 2, batch);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch.labels, (std::vector<int64_t>{7, 3}));
  const std::vector<float> want = {1.0f, -1.0f, -2.0f, -2.0f,   // image 1
                                   -1.0f, 1.0f, 0.0f, 2.0f};    // image 0
  ASSERT_EQ(batch.images.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(batch.images[i], want[i], 1e-5) << i;
}

TEST(Batch, ComputedNormalisationMatchesTheData) {
  const Normalization norm = compute_normalization(two_channel_set());
  EXPECT_NEAR(norm.mean[0], 0.5, 1e-6);        // {0, 1, 1, 0}
  EXPECT_NEAR(norm.stddev[0], 0.5, 1e-6);
  EXPECT_NEAR(norm.mean[1], 0.15, 1e-6);       // {0.2, 0.4, 0, 0}
}

TEST(Batch, FloatSetsUnderTheIdentityReachTheBatchBitForBit) {
  ImageSet set;
  set.shape = {2, 1, 2};
  set.type = SampleType::kFloat32;
  set.values = {0.1f, -0.0f, 1e-45f, 3.4028235e38f, /* sample 1 */ -1e-38f, 16777216.0f, 0.0f, -2.5f};
  set.labels = {1, 0};
  Batch batch;
  const size_t order[] = {1, 0, 1};
  fill_batch(set, identity_normalization(2), order, 3, batch);
  ASSERT_EQ(batch.images.size(), 12u);
  for (size_t k = 0; k < 3; ++k)
    EXPECT_EQ(std::memcmp(batch.images.data() + 4 * k, set.sample(order[k]), 16), 0) << k;
  EXPECT_EQ(batch.labels, (std::vector<int64_t>{0, 1, 0}));
  // A float set's subset keeps its floats.
  const ImageSet sub = set.subset({1});
  EXPECT_EQ(sub.type, SampleType::kFloat32);
  EXPECT_EQ(sub.values, (std::vector<float>{-1e-38f, 16777216.0f, 0.0f, -2.5f}));
  EXPECT_EQ(sub.bytes_per_sample(), 16u);
}

TEST(ImageSetTest, SubsetAndAppend) {
  ImageSet set = two_channel_set();
  ImageSet sub = set.subset({1});
  EXPECT_EQ(sub.labels, (std::vector<uint8_t>{7}));
  EXPECT_EQ(sub.pixels, (std::vector<uint8_t>{255, 0, 0, 0}));
  sub.append(set);
  EXPECT_EQ(sub.size(), 3u);
}

}  // namespace
}  // namespace hsgd
