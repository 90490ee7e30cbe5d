#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    keep_memory_in_small_pages();
    tienda::server::app::cli::main()
}

/// Huge pages make each touched 2 MiB count whole: an idle server held 8 MiB of them for a few
/// hundred KiB of data. The heap here is small and short-lived, which gains little from fewer TLB
/// misses; with 4 KiB pages the server stays as small as what it really uses. mimalloc is built
/// with `no_thp`, so it never asks for huge pages itself (it used to, before `main` ran, which is
/// why this alone was not enough); this covers kernels that hand them out unasked
/// (`transparent_hugepage=always`), for every page faulted from here on.
#[cfg(feature = "ssr")]
fn keep_memory_in_small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers, touches no memory of ours, and only
    // changes how the kernel backs this process's future page faults.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The binary only exists on the server; the browser runs `tienda::hydrate` from the library.
#[cfg(not(feature = "ssr"))]
fn main() {}
