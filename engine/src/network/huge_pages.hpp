// An allocator that asks for transparent huge pages (2 MB) for large arrays.
//
// Delivery reads synapse segments scattered over 1.2 GB (full scale); with
// 4 KB pages nearly every segment start is a TLB miss and a page walk. Linux
// gives huge pages to regions marked with madvise(MADV_HUGEPAGE) when THP is
// in "madvise" mode (Debian's default); elsewhere this is a plain allocation.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace mc::detail {

template <class T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr std::size_t kHugePage = std::size_t{2} << 20;
    static constexpr std::size_t kPage = 4096;

    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < 2 * kHugePage) {
            // Page-aligned: vector loops can align their accesses, and arrays
            // indexed alike share their page offsets (Shard::input).
            if (void* p = std::aligned_alloc(kPage, (bytes + kPage) / kPage * kPage)) return static_cast<T*>(p);
            throw std::bad_alloc();
        }
        const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        void* p = std::aligned_alloc(kHugePage, rounded);
        if (!p) throw std::bad_alloc();
        madvise(p, rounded, MADV_HUGEPAGE); // a hint: failure only costs speed
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t) noexcept { std::free(p); }

    template <class U>
    bool operator==(const HugePageAllocator<U>&) const noexcept {
        return true;
    }
};

} // namespace mc::detail
