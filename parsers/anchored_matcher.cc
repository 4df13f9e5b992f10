#include "parsers/anchored_matcher.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <cstring>
#include <functional>
#include <iterator>
#include <mutex>
#include <unordered_set>
#include <utility>

#include "parsers/same_bytes.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

// The Han script as Debian 12's RE2 has it (Unicode 15; a test compares
// every code point with RE2's \p{Han}).
constexpr std::pair<char32_t, char32_t> kHan[] = {
    {0x2E80, 0x2E99},   {0x2E9B, 0x2EF3},   {0x2F00, 0x2FD5},
    {0x3005, 0x3005},   {0x3007, 0x3007},   {0x3021, 0x3029},
    {0x3038, 0x303B},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
    {0xF900, 0xFA6D},   {0xFA70, 0xFAD9},   {0x16FE2, 0x16FE3},
    {0x16FF0, 0x16FF1}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B739},
    {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0},
    {0x2F800, 0x2FA1D}, {0x30000, 0x3134A}, {0x31350, 0x323AF},
};

// Beyond these the pattern is left to RE2: the rules need far fewer.
constexpr std::size_t kMaxGroups = 9;
constexpr int kMaxRepeat = 64;
constexpr std::size_t kMaxProgram = 4096;
// Branches and loop rounds in one try before it is handed to RE2, whose
// time is linear in the text: a backtracker's may not be ("(?:a|a)*b").
constexpr std::size_t kMaxSteps = 1 << 15;
// Loop positions remembered in one try (4 bytes each): in a paragraph
// longer than this, loops are not remembered and the step budget holds.
constexpr std::size_t kMaxVisited = 1 << 18;

constexpr std::uint32_t kBranch = 0xFFFFFFFF;

// What a text at `at` starts with, as Starts::keys index it: an ASCII byte
// as itself, a longer character by the low bits of its first two bytes
// (several characters share a key; a key only rules tries out). kAtEnd at
// the end, kAnyKey where the bytes are no character's start: nothing is
// ruled out then.
constexpr int kAtEnd = -1;
constexpr int kAnyKey = -2;
inline int StartKey(std::string_view text, std::size_t at) {
  if (at >= text.size()) return kAtEnd;
  const auto c0 = static_cast<unsigned char>(text[at]);
  if (c0 < 0x80) return c0;
  if (at + 1 >= text.size()) return kAnyKey;
  const auto c1 = static_cast<unsigned char>(text[at + 1]);
  if ((c0 & 0xC0) != 0xC0 || (c1 & 0xC0) != 0x80) return kAnyKey;
  return 0x80 + static_cast<int>(((c0 & 0x0Fu) << 6) | (c1 & 0x3Fu));
}

}  // namespace

bool IsHanScript(char32_t cp) {
  if (cp >= 0x4E00 && cp <= 0x9FFF) return true;  // nearly every one asked
  const auto* it =
      std::upper_bound(std::begin(kHan), std::end(kHan), cp,
                       [](char32_t c, const std::pair<char32_t, char32_t>& r) {
                         return c < r.first;
                       });
  return it != std::begin(kHan) && cp <= std::prev(it)->second;
}

void AnchoredMatcher::CharClass::Add(char32_t lo, char32_t hi) {
  for (char32_t c = lo; c <= hi && c < 0x80; ++c) ascii.set(c);
  if (hi >= 0x80) ranges.emplace_back(std::max<char32_t>(lo, 0x80), hi);
}

AnchoredMatcher::AnchoredMatcher() = default;
AnchoredMatcher::~AnchoredMatcher() = default;

// Parses the pattern into a tree, then lays the tree out as a program for
// a backtracking machine, the order of its splits being Perl's (and RE2's)
// order of preference.
class AnchoredMatcher::Compiler {
 public:
  Compiler(std::string_view regex, AnchoredMatcher* out)
      : regex_(regex), out_(*out) {}

  bool Run() {
    Node root;
    if (!ParseAlternation(&root) || pos_ != regex_.size()) return false;
    Emit(root);
    Add(Op::kMatch);
    if (out_.program_.size() > kMaxProgram) return false;
    SkipJumps();
    FindStarts();
    MakeRuns();
    return true;
  }

 private:
  struct Node {
    enum class Kind {
      kLiteral,
      kClass,
      kConcat,
      kAlternation,
      kRepeat,
      kGroup
    };
    Kind kind = Kind::kConcat;
    std::string literal;
    std::uint32_t char_class = 0;
    int min = 0;
    int max = 0;  // -1: unbounded
    bool greedy = true;
    int group = 0;  // kGroup: 0 for a group that does not capture
    std::vector<Node> children;
  };

  bool AtEnd() const { return pos_ >= regex_.size(); }
  char Peek() const { return regex_[pos_]; }
  bool Consume(std::string_view s) {
    if (!regex_.substr(pos_).starts_with(s)) return false;
    pos_ += s.size();
    return true;
  }

  bool ParseAlternation(Node* out) {
    Node alternation;
    alternation.kind = Node::Kind::kAlternation;
    for (;;) {
      Node concat;
      if (!ParseConcat(&concat)) return false;
      alternation.children.push_back(std::move(concat));
      if (AtEnd() || Peek() != '|') break;
      ++pos_;
    }
    *out = alternation.children.size() == 1
               ? std::move(alternation.children.front())
               : std::move(alternation);
    return true;
  }

  bool ParseConcat(Node* out) {
    out->kind = Node::Kind::kConcat;
    while (!AtEnd() && Peek() != '|' && Peek() != ')') {
      Node atom;
      if (!ParseAtom(&atom) || !ParseQuantifier(&atom)) return false;
      auto& children = out->children;
      if (atom.kind == Node::Kind::kLiteral && !children.empty() &&
          children.back().kind == Node::Kind::kLiteral) {
        children.back().literal += atom.literal;  // one comparison
      } else {
        children.push_back(std::move(atom));
      }
    }
    return true;
  }

  bool ParseAtom(Node* out) {
    const char c = Peek();
    if (c == '(') return ParseGroup(out);
    if (c == '[') return ParseClass(out);
    if (c == '.') {
      ++pos_;
      CharClass any;  // RE2's '.': all but a line break
      any.ascii.set();
      any.ascii.reset('\n');
      any.negated = true;
      return AddClass(std::move(any), out);
    }
    if (c == '\\') {
      CharClass escaped;
      char32_t literal = 0;
      if (!ParseEscape(&escaped, &literal)) return false;
      if (literal == 0) return AddClass(std::move(escaped), out);
      return AddLiteral(literal, out);
    }
    if (std::string_view("^$?*+{").find(c) != std::string_view::npos) {
      return false;  // anchors, and what RE2 reads as a literal or refuses
    }
    char32_t literal = 0;
    return ParseCharacter(&literal) && AddLiteral(literal, out);
  }

  bool ParseGroup(Node* out) {
    out->kind = Node::Kind::kGroup;
    const bool folded = fold_;
    if (Consume("(?:")) {
    } else if (Consume("(?i:")) {
      fold_ = true;
    } else if (Consume("(?P<")) {
      const std::size_t close = regex_.find('>', pos_);
      if (close == std::string_view::npos) return false;
      out->group = ++out_.groups_;
      const std::string name(regex_.substr(pos_, close - pos_));
      // RE2 refuses a name given twice; so does this.
      if (!out_.named_groups_.emplace(name, out->group).second) return false;
      pos_ = close + 1;
    } else if (Consume("(?")) {
      return false;  // other flags
    } else {
      ++pos_;
      out->group = ++out_.groups_;
    }
    if (static_cast<std::size_t>(out_.groups_) > kMaxGroups) return false;
    Node inner;
    if (!ParseAlternation(&inner) || !Consume(")")) return false;
    fold_ = folded;
    out->children.push_back(std::move(inner));
    return true;
  }

  // "+?", "{2,5}", …; none is fine.
  bool ParseQuantifier(Node* atom) {
    if (AtEnd()) return true;
    int min = 0;
    int max = 0;
    switch (Peek()) {
      case '?':
        max = 1;
        ++pos_;
        break;
      case '*':
        max = -1;
        ++pos_;
        break;
      case '+':
        min = 1, max = -1;
        ++pos_;
        break;
      case '{':
        if (!ParseCounts(&min, &max)) return false;
        break;
      default:
        return true;
    }
    bool greedy = true;
    if (!AtEnd() && Peek() == '?') {
      greedy = false;
      ++pos_;
    }
    if (!AtEnd() &&
        std::string_view("?*+{").find(Peek()) != std::string_view::npos)
      return false;
    // Empty rounds are where Perl and RE2 part ways: not taken on.
    if (MayBeEmpty(*atom)) return false;
    Node repeat;
    repeat.kind = Node::Kind::kRepeat;
    repeat.min = min;
    repeat.max = max;
    repeat.greedy = greedy;
    repeat.children.push_back(std::move(*atom));
    *atom = std::move(repeat);
    return true;
  }

  // {m}, {m,}, {m,n}; leaves pos_ after the '}'.
  bool ParseCounts(int* min, int* max) {
    std::size_t p = pos_ + 1;
    const auto number = [&](int* n) {
      const std::size_t from = p;
      *n = 0;
      while (p < regex_.size() && regex_[p] >= '0' && regex_[p] <= '9' &&
             p - from < 4) {
        *n = *n * 10 + (regex_[p++] - '0');
      }
      return p > from;
    };
    if (!number(min)) return false;
    *max = *min;
    if (p < regex_.size() && regex_[p] == ',') {
      ++p;
      if (p < regex_.size() && regex_[p] == '}') {
        *max = -1;
      } else if (!number(max)) {
        return false;
      }
    }
    if (p >= regex_.size() || regex_[p] != '}') return false;
    if (*min > kMaxRepeat || *max > kMaxRepeat || (*max != -1 && *max < *min)) {
      return false;
    }
    pos_ = p + 1;
    return true;
  }

  bool ParseClass(Node* out) {
    if (fold_) return false;
    ++pos_;
    CharClass cls;
    if (!AtEnd() && Peek() == '^') {
      cls.negated = true;
      ++pos_;
    }
    for (bool first = true;; first = false) {
      if (AtEnd()) return false;
      if (Peek() == ']' && !first) {
        ++pos_;
        break;
      }
      if (Peek() == '[') return false;  // [:alpha:] and the like
      char32_t lo = 0;
      if (Peek() == '\\') {
        if (!ParseEscape(&cls, &lo)) return false;
        if (lo == 0) continue;  // \d, \p{Han}: added
      } else if (!ParseCharacter(&lo)) {
        return false;
      }
      char32_t hi = lo;
      if (pos_ + 1 < regex_.size() && Peek() == '-' &&
          regex_[pos_ + 1] != ']') {
        ++pos_;
        if (Peek() == '\\') {
          CharClass none;
          if (!ParseEscape(&none, &hi) || hi == 0) return false;
        } else if (!ParseCharacter(&hi)) {
          return false;
        }
        if (hi < lo) return false;
      }
      cls.Add(lo, hi);
    }
    if (cls.negated) cls.ascii.flip();
    return AddClass(std::move(cls), out);
  }

  // \d and \p{Han} join `cls`; an escaped punctuation mark is `*literal`.
  bool ParseEscape(CharClass* cls, char32_t* literal) {
    if (pos_ + 1 >= regex_.size()) return false;
    const char c = regex_[pos_ + 1];
    if (c == 'd') {
      pos_ += 2;
      cls->Add('0', '9');
      return true;
    }
    if (c == 's') {  // RE2's [\t\n\f\r ]
      pos_ += 2;
      cls->Add('\t', '\n');
      cls->Add('\f', '\r');
      cls->Add(' ', ' ');
      return true;
    }
    if (Consume("\\p{Han}")) {
      cls->han = true;
      return !fold_;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::ispunct(u) != 0) {
      pos_ += 2;
      *literal = u;
      return true;
    }
    return false;  // \n, \S, \b, \x{…}, …
  }

  bool ParseCharacter(char32_t* cp) {
    const std::size_t start = pos_;
    *cp = utf8::Next(regex_, pos_);
    return !(*cp == 0xFFFD && pos_ == start + 1) && *cp != 0;
  }

  bool AddLiteral(char32_t cp, Node* out) {
    if (fold_ && cp < 0x80 && std::isalpha(static_cast<int>(cp)) != 0) {
      const auto lower =
          static_cast<char32_t>(std::tolower(static_cast<int>(cp)));
      // k and s fold to the Kelvin sign and the long s as well.
      if (lower == 'k' || lower == 's') return false;
      CharClass both;
      both.Add(lower, lower);
      both.Add(lower - 'a' + 'A', lower - 'a' + 'A');
      return AddClass(std::move(both), out);
    }
    if (fold_ && cp >= 0x80) return false;
    out->kind = Node::Kind::kLiteral;
    out->literal.clear();
    utf8::Append(out->literal, cp);
    return true;
  }

  bool AddClass(CharClass cls, Node* out) {
    out->kind = Node::Kind::kClass;
    out->char_class = static_cast<std::uint32_t>(out_.classes_.size());
    out_.classes_.push_back(std::move(cls));
    return true;
  }

  static bool MayBeEmpty(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kLiteral:
        return node.literal.empty();
      case Node::Kind::kClass:
        return false;
      case Node::Kind::kConcat:
        return std::all_of(node.children.begin(), node.children.end(),
                           MayBeEmpty);
      case Node::Kind::kAlternation:
        return std::any_of(node.children.begin(), node.children.end(),
                           MayBeEmpty);
      case Node::Kind::kRepeat:
        return node.min == 0 || MayBeEmpty(node.children.front());
      case Node::Kind::kGroup:
        return MayBeEmpty(node.children.front());
    }
    return true;
  }

  std::uint32_t Here() const {
    return static_cast<std::uint32_t>(out_.program_.size());
  }
  std::uint32_t Add(Op op, std::uint32_t a = 0, std::uint32_t b = 0) {
    Instruction in{};
    in.op = op;
    in.a = a;
    in.b = b;
    in.next = Here() + 1;
    out_.program_.push_back(in);
    return Here() - 1;
  }

  std::uint32_t PastJumps(std::uint32_t pc) const {
    // Each loop's jump leads back to its split: the chain ends.
    while (out_.program_[pc].op == Op::kJump) pc = out_.program_[pc].a;
    return pc;
  }

  // Every target that is a jump becomes the jump's own target: what runs
  // goes there at once.
  void SkipJumps() {
    const auto past_jumps = [this](std::uint32_t pc) { return PastJumps(pc); };
    for (Instruction& in : out_.program_) {
      switch (in.op) {
        case Op::kLiteral:
        case Op::kClass:
        case Op::kSave:
          in.next = past_jumps(in.next);
          break;
        case Op::kSplit:
          in.a = past_jumps(in.a);
          in.b = past_jumps(in.b);
          break;
        case Op::kJump:
          in.a = past_jumps(in.a);
          break;
        case Op::kMatch:
        case Op::kRun:  // made later
          break;
      }
    }
  }

  void Emit(const Node& node) {
    auto& program = out_.program_;
    switch (node.kind) {
      case Node::Kind::kLiteral:
        Add(Op::kLiteral, static_cast<std::uint32_t>(out_.literals_.size()),
            static_cast<std::uint32_t>(node.literal.size()));
        out_.literals_ += node.literal;
        return;
      case Node::Kind::kClass:
        Add(Op::kClass, node.char_class);
        return;
      case Node::Kind::kConcat:
        for (const Node& child : node.children) Emit(child);
        return;
      case Node::Kind::kAlternation: {
        std::vector<std::uint32_t> to_end;
        for (std::size_t i = 0; i < node.children.size(); ++i) {
          const bool last = i + 1 == node.children.size();
          const std::uint32_t split = last ? 0 : Add(Op::kSplit, Here() + 1);
          Emit(node.children[i]);
          if (last) break;
          to_end.push_back(Add(Op::kJump));
          program[split].b = Here();
        }
        for (const std::uint32_t jump : to_end) program[jump].a = Here();
        return;
      }
      case Node::Kind::kGroup: {
        const auto slot = static_cast<std::uint32_t>(2 * node.group);
        if (node.group != 0) Add(Op::kSave, slot);
        Emit(node.children.front());
        if (node.group != 0) Add(Op::kSave, slot + 1);
        return;
      }
      case Node::Kind::kRepeat:
        EmitRepeat(node);
        return;
    }
  }

  // x{2,4} as x x (x (x)?)?, x* as a loop; a lazy one prefers leaving.
  void EmitRepeat(const Node& node) {
    auto& program = out_.program_;
    const Node& body = node.children.front();
    if (body.kind == Node::Kind::kClass && node.greedy) {
      runs_.push_back({Here(), 0, body.char_class, node.min, node.max});
    }
    for (int i = 0; i < node.min; ++i) Emit(body);
    std::vector<std::uint32_t> splits;
    if (node.max == -1) {
      const std::uint32_t loop = Add(Op::kSplit);
      program[loop].loop = static_cast<std::uint16_t>(++out_.loops_);
      program[loop].lazy_class_loop =
          !node.greedy && body.kind == Node::Kind::kClass;
      Emit(body);
      Add(Op::kJump, loop);
      splits.push_back(loop);
    } else {
      for (int i = node.min; i < node.max; ++i) {
        splits.push_back(Add(Op::kSplit));
        Emit(body);
      }
    }
    const std::uint32_t out = Here();
    if (body.kind == Node::Kind::kClass && node.greedy) runs_.back().out = out;
    for (const std::uint32_t split : splits) {
      program[split].a = node.greedy ? split + 1 : out;
      program[split].b = node.greedy ? out : split + 1;
    }
  }

  // The starts of each split's branches, so that a branch that cannot
  // match the text ahead is never tried (most alternatives of a wording).
  // Each instruction's starts are worked out once, and only where a split
  // leads: a set is 150 bytes, and zeroing one for every instruction was
  // most of loading the rules. The sets are worked out in vectors the
  // thread keeps from one pattern to the next, and the pattern keeps its
  // distinct sets in one allocation of their size: growing vectors for
  // each pattern took new pages at every start.
  void FindStarts() {
    thread_local std::vector<std::uint32_t> memo;
    thread_local std::vector<Starts> work;
    thread_local std::vector<Starts> kept;
    memo.assign(out_.program_.size(), kUnknown);
    work.clear();
    kept.clear();
    memo_ = &memo;
    work_ = &work;
    kept_ = &kept;
    // Index 0: the program's start, tried before anything else.
    kept.push_back(work[StartsAt(0)]);
    for (auto& in : out_.program_) {
      if (in.op != Op::kSplit) continue;
      in.starts_a = Intern(work[StartsAt(in.a)]);
      in.starts_b = Intern(work[StartsAt(in.b)]);
      in.only_a = OnlyKey(work[StartsAt(in.a)]);
      in.only_b = OnlyKey(work[StartsAt(in.b)]);
    }
    out_.starts_.clear();
    out_.starts_.reserve(kept.size());
    for (const Starts& starts : kept) out_.starts_.push_back(Shared(starts));
  }

  // The one copy of `starts` that every matcher shares: the rules' 65
  // patterns keep 1,145 sets, 177 of them distinct (most a single
  // character), and a copy each was 170 KB of new pages at every start.
  // Never freed, as interned names are not: they come from the rules.
  static const Starts* Shared(const Starts& starts) {
    struct Hash {
      std::size_t operator()(const Starts& s) const {
        return std::hash<std::bitset<kStartKeys>>()(s.keys) ^
               static_cast<std::size_t>(s.may_be_empty);
      }
    };
    struct Equal {
      bool operator()(const Starts& a, const Starts& b) const {
        return a.may_be_empty == b.may_be_empty && a.keys == b.keys;
      }
    };
    static std::mutex mutex;
    static auto* const shared = new std::unordered_set<Starts, Hash, Equal>();
    const std::lock_guard lock(mutex);
    return &*shared->insert(starts).first;
  }

  static constexpr std::uint32_t kUnknown = ~std::uint32_t{0};

  // Every branch consumes before it loops back (MayBeEmpty()), so the
  // recursion ends at a consuming instruction or the match. Returns the
  // index of the set in work_.
  std::uint32_t StartsAt(std::uint32_t pc) {
    if ((*memo_)[pc] != kUnknown) return (*memo_)[pc];
    const Instruction& in = out_.program_[pc];
    Starts starts;
    switch (in.op) {
      case Op::kLiteral: {
        const int key =
            StartKey(std::string_view(out_.literals_).substr(in.a, in.b), 0);
        if (key >= 0) {
          starts.keys.set(static_cast<std::size_t>(key));
        } else {
          starts.keys.set();  // not a character's start: rule nothing out
        }
        break;
      }
      case Op::kClass:
        starts.keys = ClassKeys(out_.classes_[in.a]);
        break;
      case Op::kRun: {
        // Made after the starts are found; told here all the same.
        starts.keys = ClassKeys(out_.classes_[in.a]);
        if (in.min == 0) {
          const std::uint32_t next = StartsAt(in.next);
          starts.keys |= (*work_)[next].keys;
          starts.may_be_empty = (*work_)[next].may_be_empty;
        }
        break;
      }
      case Op::kSplit: {
        const std::uint32_t a = StartsAt(in.a);
        const std::uint32_t b = StartsAt(in.b);
        starts.keys = (*work_)[a].keys | (*work_)[b].keys;
        starts.may_be_empty =
            (*work_)[a].may_be_empty || (*work_)[b].may_be_empty;
        break;
      }
      case Op::kJump:
        return (*memo_)[pc] = StartsAt(in.a);
      case Op::kSave:
        return (*memo_)[pc] = StartsAt(in.next);
      case Op::kMatch:
        starts.may_be_empty = true;
        break;
    }
    work_->push_back(starts);
    return (*memo_)[pc] = static_cast<std::uint32_t>(work_->size() - 1);
  }

  // A greedy repeat of one class where what follows can neither be empty
  // nor start with one of its characters: a character given back could
  // only fail, so the repeat takes what it can in one instruction
  // (\d+ before "个"), not a split and a class for each character. Its
  // first instruction becomes the run; the rest is left unreached.
  void MakeRuns() {
    for (const ClassRepeat& run : runs_) {
      if (run.max == 0) continue;  // x{0}: nothing was emitted
      if (run.min != run.max) {    // a fixed count has nothing to give back
        const Starts& follow = (*work_)[StartsAt(run.out)];
        if (follow.may_be_empty ||
            (follow.keys & ClassKeys(out_.classes_[run.char_class])).any()) {
          continue;
        }
      }
      Instruction in{};
      in.op = Op::kRun;
      in.a = run.char_class;
      in.next = PastJumps(run.out);
      in.min = static_cast<std::uint16_t>(run.min);
      in.max = run.max == -1 ? kNoBound : static_cast<std::uint16_t>(run.max);
      out_.program_[run.start] = in;
    }
  }

  // The keys a character of `c` may start with.
  static std::bitset<kStartKeys> ClassKeys(const CharClass& c) {
    // The class's ASCII members are the keys below 0x80: set a word at a
    // time (bit by bit, this was a tenth of loading the rules).
    constexpr std::bitset<0x80> kLow(~0ULL);
    std::bitset<kStartKeys> keys((c.ascii >> 64).to_ullong());
    keys <<= 64;
    keys |= std::bitset<kStartKeys>((c.ascii & kLow).to_ullong());
    if (c.negated || c.han || !c.ranges.empty()) keys |= NonAscii();
    return keys;
  }

  // The keys of every character beyond ASCII.
  static const std::bitset<kStartKeys>& NonAscii() {
    static const std::bitset<kStartKeys> keys = [] {
      std::bitset<kStartKeys> k;
      for (std::size_t i = 0x80; i < kStartKeys; ++i) k.set(i);
      return k;
    }();
    return keys;
  }

  // The one key of `starts`, or -1.
  static std::int16_t OnlyKey(const Starts& starts) {
    if (starts.may_be_empty || starts.keys.count() != 1) return -1;
    std::size_t key = 0;
    while (!starts.keys[key]) ++key;
    return static_cast<std::int16_t>(key);
  }

  std::uint16_t Intern(const Starts& starts) {
    auto& all = *kept_;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].keys == starts.keys &&
          all[i].may_be_empty == starts.may_be_empty) {
        return static_cast<std::uint16_t>(i);
      }
    }
    all.push_back(starts);
    return static_cast<std::uint16_t>(all.size() - 1);
  }

  // A greedy repeat of one class: where its instructions start and end.
  struct ClassRepeat {
    std::uint32_t start;
    std::uint32_t out;
    std::uint32_t char_class;
    int min;
    int max;
  };

  std::string_view regex_;
  AnchoredMatcher& out_;
  std::vector<ClassRepeat> runs_;
  std::size_t pos_ = 0;
  bool fold_ = false;
  // FindStarts(): where each instruction's starts are in work_, if known,
  // and the distinct sets a split's branch starts with.
  std::vector<std::uint32_t>* memo_ = nullptr;
  std::vector<Starts>* work_ = nullptr;
  std::vector<Starts>* kept_ = nullptr;
};

std::unique_ptr<const AnchoredMatcher> AnchoredMatcher::Compile(
    std::string_view regex) {
  std::unique_ptr<AnchoredMatcher> matcher(new AnchoredMatcher());
  if (!Compiler(regex, matcher.get()).Run()) return nullptr;
  return matcher;
}

void AnchoredMatcher::StartSet::Add(const AnchoredMatcher* matcher) {
  static_assert(kStartKeys == 128 + 1024);
  if (matcher == nullptr) {
    unknown_ = true;
    return;
  }
  known_ = true;
  keys_ |= matcher->starts_.front()->keys;
  may_be_empty_ = may_be_empty_ || matcher->starts_.front()->may_be_empty;
}

bool AnchoredMatcher::StartSet::MayStartAt(std::string_view text,
                                           std::size_t pos) const {
  if (!known_ || unknown_) return true;
  // As Match() rules its first position out.
  const int key = StartKey(text, pos);
  return may_be_empty_ ||
         (key != kAtEnd &&
          (key == kAnyKey || keys_[static_cast<std::size_t>(key)]));
}

AnchoredMatcher::Outcome AnchoredMatcher::Match(std::string_view text,
                                                std::size_t pos,
                                                std::size_t end,
                                                re2::StringPiece* groups,
                                                int n) const {
  if (n > groups_ + 1 || end > text.size() || pos > end)
    return Outcome::kUnsure;
  const std::string_view view = text.substr(0, end);
  // What to go back to: a branch not taken (slot kBranch) or a slot's
  // value before a group saved into it.
  struct Backtrack {
    std::uint32_t pc;
    std::uint32_t slot;
    std::size_t value;
  };
  const auto viable = [](const Starts& starts, int key) {
    return starts.may_be_empty ||
           (key != kAtEnd &&
            (key == kAnyKey || starts.keys[static_cast<std::size_t>(key)]));
  };
  if (!viable(*starts_.front(), StartKey(view, pos))) return Outcome::kNoMatch;
  // Only the pattern's own groups' slots are ever read.
  std::array<std::size_t, 2 * (kMaxGroups + 1)> slots;
  std::fill_n(slots.begin(), 2 * (groups_ + 1), std::string_view::npos);
  thread_local std::vector<Backtrack> stack;
  stack.clear();
  // Where each loop has been in this try, as this try's stamp.
  thread_local std::vector<std::uint32_t> visited;
  thread_local std::uint32_t generation = 0;
  const std::size_t span = end - pos + 1;
  const bool memo = loops_ > 0 && span * loops_ <= kMaxVisited;
  if (memo) {
    if (++generation == 0) {
      std::fill(visited.begin(), visited.end(), 0);
      generation = 1;
    }
    const std::size_t size = span * static_cast<std::size_t>(loops_);
    if (visited.size() < size) visited.resize(size, 0);
  }
  std::uint32_t pc = 0;
  std::size_t at = pos;
  std::size_t steps = 0;
  std::size_t key_at = std::string_view::npos;
  int key = kAnyKey;
  for (;;) {
    const Instruction& in = program_[pc];
    bool ok = true;
    switch (in.op) {
      case Op::kLiteral: {
        ok = end - at >= in.b &&
             SameBytes(view.data() + at, literals_.data() + in.a, in.b);
        at += ok ? in.b : 0;
        pc = in.next;
        break;
      }
      case Op::kClass: {
        if (at >= end) {
          ok = false;
          break;
        }
        const std::size_t start = at;
        const char32_t cp = utf8::Next(view, at);
        if (cp == 0xFFFD && at == start + 1) return Outcome::kUnsure;
        ok = classes_[in.a].Contains(cp);
        pc = in.next;
        break;
      }
      case Op::kSplit: {
        // Between splits the program only moves on: they (and the
        // characters a lazy loop takes below) bound the work.
        if (++steps > kMaxSteps) return Outcome::kUnsure;
        if (in.lazy_class_loop) {
          // Where what follows the loop cannot start, the loop can only
          // take a character: taken here, without a split each.
          const CharClass& body = classes_[program_[in.b].a];
          const Starts& exit = *starts_[in.starts_a];
          while (at < end && !viable(exit, StartKey(view, at))) {
            if (++steps > kMaxSteps) return Outcome::kUnsure;
            std::size_t next = at;
            const char32_t cp = utf8::Next(view, next);
            if (cp == 0xFFFD && next == at + 1) return Outcome::kUnsure;
            if (!body.Contains(cp)) {
              ok = false;
              break;
            }
            at = next;
          }
          if (!ok) break;
        }
        if (in.loop != 0 && memo) {
          // A loop met again where it was before: all that follows from
          // here failed then and fails now (what the groups hold does not
          // change that). Without this, each way of matching what comes
          // before a lazy loop rescans the rest of the paragraph.
          std::uint32_t& seen = visited[(in.loop - 1) * span + (at - pos)];
          if (seen == generation) {
            ok = false;
            break;
          }
          seen = generation;
        }
        // Splits come in chains at one position (the alternatives of a
        // wording): its key is worked out once.
        if (at != key_at) {
          key = StartKey(view, at);
          key_at = at;
        }
        const auto may_start = [&](std::int16_t only, std::uint16_t set) {
          return only >= 0 ? key == only || key == kAnyKey
                           : viable(*starts_[set], key);
        };
        if (!may_start(in.only_a, in.starts_a)) {
          // What b leads to tests the text itself: a second test here
          // would only be sooner.
          pc = in.b;
          break;
        }
        if (may_start(in.only_b, in.starts_b)) {
          stack.push_back({in.b, kBranch, at});
        }
        pc = in.a;
        break;
      }
      case Op::kRun: {
        const CharClass& body = classes_[in.a];
        const std::size_t max = in.max == kNoBound ? end : in.max;
        std::size_t taken = 0;
        while (taken < max && at < end) {
          const auto byte = static_cast<unsigned char>(view[at]);
          if (byte < 0x80) {
            if (!body.ascii[byte]) break;
            ++at;
          } else {
            std::size_t next = at;
            const char32_t cp = utf8::Next(view, next);
            if (cp == 0xFFFD && next == at + 1) return Outcome::kUnsure;
            if (!body.Contains(cp)) break;
            at = next;
          }
          ++taken;
        }
        ok = taken >= in.min;
        pc = in.next;
        break;
      }
      case Op::kJump:
        pc = in.a;
        break;
      case Op::kSave:
        stack.push_back({0, in.a, slots[in.a]});
        slots[in.a] = at;
        pc = in.next;
        break;
      case Op::kMatch:
        slots[0] = pos;
        slots[1] = at;
        for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
          const std::size_t b = slots[2 * i];
          const std::size_t e = slots[2 * i + 1];
          groups[i] = b == std::string_view::npos || e == std::string_view::npos
                          ? re2::StringPiece()
                          : re2::StringPiece(view.data() + b, e - b);
        }
        return Outcome::kMatch;
      default:
        // The compiler writes no other op: the dispatch needs no range
        // check (two of its four instructions).
        __builtin_unreachable();
    }
    while (!ok) {
      if (stack.empty()) return Outcome::kNoMatch;
      const Backtrack back = stack.back();
      stack.pop_back();
      if (back.slot == kBranch) {
        pc = back.pc;
        at = back.value;
        ok = true;
      } else {
        slots[back.slot] = back.value;
      }
    }
  }
}

}  // namespace cncert
