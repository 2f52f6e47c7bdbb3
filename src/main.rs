//! The `topogy` binary: parse the command line, set up logging, dispatch.

use topogy::cli::{Cli, Command};
use topogy::exit::ExitCode;

fn main() -> std::process::ExitCode {
    if let Err(report) = color_eyre::install() {
        eprintln!("topogy: {report}");
    }
    let mut cli = Cli::from_command_line();
    if let Err(advice) = cli.global.check() {
        eprintln!("topogy: {advice}");
        return ExitCode::Usage.into();
    }
    let settings = cli.global.settings();
    match &cli.command {
        Some(Command::Collect(args)) => {
            if let Err(message) = topogy::collect::init_logging(&args.options()) {
                eprintln!("topogy: {message}");
                return ExitCode::Usage.into();
            }
        }
        _ => topogy::logging::init(&settings),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("topogy: could not start the async runtime: {e}");
            return ExitCode::Other.into();
        }
    };
    let code = runtime.block_on(async {
        match &cli.command {
            Some(Command::Export(args)) => topogy::export::run(&settings, &args.request()).await,
            Some(Command::Verify(args)) => topogy::diagnose::verify(&settings, args.json).await,
            Some(Command::Doctor(args)) => topogy::diagnose::doctor(&settings, args.json).await,
            Some(Command::Collect(args)) => topogy::collect::run(&settings, &args.options()).await,
            Some(Command::Config(args)) => {
                topogy::config::command(settings.paths.config_file.as_deref(), args.print_default)
            }
            Some(Command::Sim(args)) => match topogy::sim::run(args.config(&settings)).await {
                Ok(()) => ExitCode::Ok,
                Err(e) => {
                    eprintln!("topogy: the simulator stopped: {e}");
                    ExitCode::Other
                }
            },
            None => topogy::tui::run(&settings).await,
        }
    });
    code.into()
}
