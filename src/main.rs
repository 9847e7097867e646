//! The `reclint` command: parse arguments, run, exit 0 (clean), 1 (findings)
//! or 2 (usage, configuration, I/O or internal error).

use std::process::ExitCode;

/// A third of a run's instructions went to glibc's malloc and free (graphs
/// are many small allocations); mimalloc halves that.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

/// mimalloc, asked with plain `mi_malloc` for every allocation it aligns
/// by itself. The `mimalloc` crate asks `mi_malloc_aligned` for every
/// allocation, whose checks, and its slow over-allocating path for a block
/// over 1 KiB whose size is not a power of two, took 3% of a run's
/// instructions (bench/README.md, "Fewer passes, fewer allocations").
struct MiMalloc;

/// mimalloc aligns every block to 16 bytes when its size is a multiple of
/// 16 (the first block of a page is 16-aligned, and every size class such
/// a size falls in is a multiple of 16), and to 8 bytes always; a Rust
/// layout's size is a multiple of its alignment. The same rule as `std`'s
/// system allocator applies to `malloc`.
fn plain(align: usize, size: usize) -> bool {
    align <= 16 && align <= size
}

/// A block for `layout` from mimalloc's `plain` or its `aligned` function.
fn allocate(
    layout: std::alloc::Layout,
    plain_fn: unsafe extern "C" fn(usize) -> *mut std::ffi::c_void,
    aligned_fn: unsafe extern "C" fn(usize, usize) -> *mut std::ffi::c_void,
) -> *mut u8 {
    let (size, align) = (layout.size(), layout.align());
    // SAFETY: mimalloc's allocation functions take any size and, aligned,
    // any power-of-two alignment (a `Layout`'s is one).
    unsafe {
        if plain(align, size) {
            plain_fn(size).cast()
        } else {
            aligned_fn(size, align).cast()
        }
    }
}

// SAFETY: every block is allocated, resized and freed by mimalloc, with an
// alignment `plain` shows mimalloc gives or that `mi_*_aligned` is asked for.
unsafe impl std::alloc::GlobalAlloc for MiMalloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        allocate(
            layout,
            libmimalloc_sys::mi_malloc,
            libmimalloc_sys::mi_malloc_aligned,
        )
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        allocate(
            layout,
            libmimalloc_sys::mi_zalloc,
            libmimalloc_sys::mi_zalloc_aligned,
        )
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from mimalloc (the caller's contract).
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let align = layout.align();
        // SAFETY: `ptr` came from mimalloc (the caller's contract); the new
        // block has the layout's alignment, by `plain` or by asking for it.
        unsafe {
            if plain(align, new_size) {
                libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, align).cast()
            }
        }
    }
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`), which
/// the Rust bindings do not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with the process before it goes back to the
/// system, in milliseconds. A run frees each unit's sources and graphs as
/// soon as it is done, and the next unit allocates as much again: memory
/// given back too soon is faulted in and zeroed again, memory kept too long
/// counts in the peak. Against 50 ms, half a second takes a third less
/// system time and keeps the peak within its goals: about 250 MB on the
/// 20,000-file benchmark tree, 100 MB on the 5,000-file one (bench/README.md,
/// "Findings kept small"). `MIMALLOC_PURGE_DELAY` still wins.
const PURGE_DELAY_MS: std::ffi::c_long = 500;

/// The language server keeps freed memory (-1: never purge): it checks the
/// workspace again at every change, and memory given back after one check
/// had to be faulted in and zeroed again by the next, which made one change
/// in five take two to four times as long on a 10,000-line dialplan
/// (bench/README.md, "Language server").
const SERVER_PURGE_DELAY_MS: std::ffi::c_long = -1;

fn main() -> ExitCode {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        let serving = std::env::args_os().nth(1).is_some_and(|c| c == "server");
        let delay = if serving {
            SERVER_PURGE_DELAY_MS
        } else {
            PURGE_DELAY_MS
        };
        // SAFETY: sets a documented mimalloc option to a documented value;
        // mimalloc reads options atomically, so setting one while the
        // allocator runs is allowed.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, delay) };
    }
    ExitCode::from(reclint::cli::main(std::env::args_os()))
}
