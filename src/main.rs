#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    tienda::server::app::cli::main()
}

/// The binary only exists on the server; the browser runs `tienda::hydrate` from the library.
#[cfg(not(feature = "ssr"))]
fn main() {}
