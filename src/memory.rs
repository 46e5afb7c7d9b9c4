//! Handing memory the allocator keeps back to the system.
//!
//! glossgraph allocates through mimalloc (see `main.rs`), which keeps freed
//! pages with the thread that allocated them for reuse, and returns them
//! only when that thread next works in the allocator, or when asked here. A
//! server frees most at two moments: once it is ready (the indexes are
//! built from a full read of the store) and when a rebuild replaces a graph.

/// Hands back every free page the allocator holds that it can: this
/// thread's, and those of threads that have ended (a build's).
pub fn release_free() {
    // SAFETY: only hands free pages back; it touches no live memory.
    unsafe { libmimalloc_sys::mi_collect(true) };
}
