//! `rackscale`: parse arguments, run, print the error chain, exit with its code.

mod app;
mod cli;
#[cfg(test)]
mod fuzz;

use clap::Parser;
use rackscale::error::{Exit, exit_for};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout and succeed; usage errors are bad input.
            let code = if e.use_stderr() { Exit::BadInput } else { Exit::Ok };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit_for(&e) as u8)
        }
    }
}

/// `rackscale ... | head` closing the pipe early is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
