// The archive's packed texts: given back byte for byte, whatever they hold.
#include "exporter/archive/packed_text.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace cncert {
namespace {

TEST(PackedTextTest, ABulletinsTextIsDeflatedAndGivenBack) {
  std::string text;
  for (int week = 0; week < 40; ++week) {
    text += "本周境内感染网络病毒的主机数量约为" + std::to_string(500 + week) +
            "万个，其中包括境内被木马或被僵尸程序控制的主机约" +
            std::to_string(20 + week) +
            "万以及境内感染飞客（conficker）"
            "蠕虫的主机约" +
            std::to_string(30 + week) + "万。\n";
  }
  const PackedText packed(text);
  EXPECT_EQ(packed.size(), text.size());
  EXPECT_LT(packed.packed_size(), text.size() / 2);
  EXPECT_EQ(packed.Unpack(), text);
}

TEST(PackedTextTest, WhatDeflatingCannotShortenIsKeptAsItIs) {
  std::mt19937 random(7);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(random() & 0xFF);
  for (const std::string& text : {std::string("7"), noise}) {
    const PackedText packed(text);
    EXPECT_EQ(packed.packed_size(), text.size());
    EXPECT_EQ(packed.Unpack(), text);
  }
}

TEST(PackedTextTest, EmptyAndZeroBytesSurvive) {
  EXPECT_TRUE(PackedText().empty());
  EXPECT_EQ(PackedText("").Unpack(), "");
  const std::string zeros(10000, '\0');
  const PackedText packed(zeros);
  EXPECT_FALSE(packed.empty());
  EXPECT_LT(packed.packed_size(), 100u);
  EXPECT_EQ(packed.Unpack(), zeros);
}

}  // namespace
}  // namespace cncert
