//! The `ghtraf` binary: everything happens in the library.

fn main() -> std::process::ExitCode {
    ghtraf::app::main()
}
