// Rebinding keys and mouse gestures: saved to a TOML file, read back, and bad files rejected with file:line:column.
#include <gtest/gtest.h>

#include <fstream>

#include <SDL.h>

#include "gui/bindings.h"
#include "support/test_env.h"

using namespace polysim::gui;

TEST(Bindings, DefaultsFollowTheReadingRoomConventions) {
    Bindings b = Bindings::defaults();
    auto key = [](const char* text) { return *Chord::parse(text); };
    EXPECT_EQ(*b.commandFor(key("Down")), "slice.next");
    EXPECT_EQ(*b.commandFor(key("Shift+Down")), "slice.next10");
    EXPECT_EQ(*b.commandFor(key("Home")), "slice.first");
    EXPECT_EQ(*b.commandFor(key("7")), "window.preset.lung");
    EXPECT_EQ(*b.commandFor(key("Ctrl+Wheel")), "view.zoom");
    EXPECT_EQ(*b.commandFor(key("RightDrag")), "window.adjust");
    EXPECT_EQ(*b.commandFor(key("MiddleDrag")), "view.pan");
    EXPECT_EQ(*b.commandFor(key("Space")), "view.reset");
}

TEST(Bindings, ARebindingSurvivesSaveAndLoad) {
    auto dir = polysim::test::scratchDir("bindings-roundtrip");
    Bindings b = Bindings::defaults();
    b.set("window.preset.lung", {*Chord::parse("L"), *Chord::parse("Ctrl+7")});
    b.set("window.adjust", {*Chord::parse("LeftDrag")});  // takes LeftDrag away from the crosshair
    b.save(dir / "bindings.toml");
    Bindings back = Bindings::load(dir / "bindings.toml");
    EXPECT_EQ(*back.commandFor(*Chord::parse("L")), "window.preset.lung");
    EXPECT_EQ(*back.commandFor(*Chord::parse("Ctrl+7")), "window.preset.lung");
    EXPECT_EQ(back.commandFor(*Chord::parse("7")), nullptr);
    EXPECT_EQ(*back.commandFor(*Chord::parse("LeftDrag")), "window.adjust");
    EXPECT_TRUE(back.chordsOf("crosshair.move").empty());
}

TEST(Bindings, AFileWithOnlySomeCommandsKeepsTheOtherDefaults) {
    auto dir = polysim::test::scratchDir("bindings-partial");
    std::ofstream(dir / "b.toml") << "[bindings]\n\"slice.next\" = \"J\"\n";
    Bindings b = Bindings::load(dir / "b.toml");
    EXPECT_EQ(*b.commandFor(*Chord::parse("J")), "slice.next");
    EXPECT_EQ(b.commandFor(*Chord::parse("Down")), nullptr);
    EXPECT_EQ(*b.commandFor(*Chord::parse("Up")), "slice.previous");
}

TEST(Bindings, BadFilesNameTheFileLineAndProblem) {
    auto dir = polysim::test::scratchDir("bindings-bad");
    auto errorOf = [&](const std::string& text) {
        std::ofstream(dir / "b.toml") << text;
        try {
            Bindings::load(dir / "b.toml");
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    std::string e1 = errorOf("[bindings]\n\"slice.nxt\" = \"J\"\n");
    EXPECT_NE(e1.find("b.toml:2:"), std::string::npos) << e1;
    EXPECT_NE(e1.find("unknown command 'slice.nxt'"), std::string::npos) << e1;
    std::string e2 = errorOf("[bindings]\n\"slice.next\" = \"RightDrag\"\n");
    EXPECT_NE(e2.find("b.toml:2:"), std::string::npos) << e2;
    EXPECT_NE(e2.find("needs a key chord"), std::string::npos) << e2;
    std::string e3 = errorOf("[bindings\n");
    EXPECT_NE(e3.find("b.toml:1:"), std::string::npos) << e3;
    std::string e4 = errorOf("[bindings]\n\"slice.next\" = \"Hyper+Q\"\n");
    EXPECT_NE(e4.find("not a key"), std::string::npos) << e4;
}
