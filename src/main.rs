#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    keep_memory_in_small_pages();
    tienda::server::app::cli::main()
}

/// mimalloc asks the kernel for transparent huge pages on its heap, so each touched 2 MiB counts
/// whole: an idle server held 8 MiB of huge pages for a few hundred KiB of data (37 MB resident
/// at idle, of which 14 MB anonymous). The heap here is small and short-lived, which gains little
/// from fewer TLB misses; with 4 KiB pages the server stays as small as what it really uses.
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
