// Whether an allocation failed in a child under its memory budget
// (parsers/child_call.h). Some libraries go on after a failed malloc —
// Tesseract returns less text or crashes later, leptonica returns null as
// for damaged data — so the child cannot tell from their results alone.
#ifndef CNCERT_PARSERS_ALLOCATION_WATCH_H_
#define CNCERT_PARSERS_ALLOCATION_WATCH_H_

#include <string_view>

#if defined(__SANITIZE_ADDRESS__)
#define CNCERT_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CNCERT_ADDRESS_SANITIZER 1
#endif
#endif

namespace cncert {

// False under AddressSanitizer, whose allocator must see every call, and
// when built without (CNCERT_WATCH_ALLOCATIONS=OFF, for heap profilers): the
// allocator is then not watched, and no memory budget is enforced.
#if defined(CNCERT_ADDRESS_SANITIZER) || defined(CNCERT_NO_ALLOCATION_WATCH)
inline constexpr bool kAllocationsWatched = false;
#else
inline constexpr bool kAllocationsWatched = true;
#endif

// From now on, the first failed allocation writes kAllocationFailedMarker
// on stderr (for the parent, should the library then crash).
void WatchAllocations();
bool AllocationFailed();

inline constexpr std::string_view kAllocationFailedMarker =
    "cncert: an allocation failed under the memory budget";

}  // namespace cncert

#endif  // CNCERT_PARSERS_ALLOCATION_WATCH_H_
