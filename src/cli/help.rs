//! Each subcommand's `--help` lists only the global options that apply to it.

use clap::CommandFactory;

use super::Cli;

/// The global options a subcommand has no use for, by their ids: its `--help` leaves them out
/// (given anyway, they are accepted and change nothing, so scripts do not break).
const NOT_FOR: &[(&str, &[&str])] = &[
    ("verify", &["background_share"]),
    // Its store checks examine the SQLite layout only.
    ("doctor", &["background_share", "store"]),
    ("export", &["background_share"]),
    (
        "config",
        &[
            "demo",
            "key_stdin",
            "base_url",
            "profile",
            "rpm",
            "background_share",
            "fault",
            "variant",
            "demo_users",
            "store",
        ],
    ),
    (
        "sim",
        &[
            "demo",
            "key_stdin",
            "base_url",
            "profile",
            "background_share",
            "demo_users",
            "store",
        ],
    ),
];

impl Cli {
    /// The command line as clap sees it, with each subcommand's `--help` listing only the
    /// global options that apply to it. clap copies a global option into a subcommand only
    /// where the subcommand has none of that id, so each one that does not apply is given a
    /// hidden, non-global copy first; its value still reaches [`GlobalArgs`](super::GlobalArgs).
    pub fn command_line() -> clap::Command {
        let top = Cli::command();
        let mut line = top.clone();
        for (name, ids) in NOT_FOR {
            let hidden: Vec<clap::Arg> = ids
                .iter()
                .filter_map(|id| top.get_arguments().find(|a| a.get_id() == *id))
                .map(|a| a.clone().global(false).hide(true))
                .collect();
            line = line.mut_subcommand(*name, |sub| sub.args(hidden));
        }
        line
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on a refused command line"
)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The long options a subcommand's `--help` lists, sorted.
    fn listed(subcommand: &str) -> Vec<String> {
        let help = Cli::try_from_args(["topogy", subcommand, "--help"])
            .expect_err("--help ends the parse")
            .to_string();
        // An option's own line starts with `--long` or `-s, --long`; its description does not.
        help.lines()
            .filter_map(|line| {
                let line = line.trim_start();
                let long = match line.split_once(", ") {
                    Some((short, rest)) if short.len() == 2 && short.starts_with('-') => rest,
                    _ => line,
                };
                long.starts_with("--").then(|| {
                    long.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                })
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    #[test]
    fn each_subcommand_lists_only_the_options_that_apply_to_it() {
        Cli::command_line().debug_assert();
        let globals = [
            "--demo",
            "--key-stdin",
            "--base-url",
            "--profile",
            "--rpm",
            "--background-share",
            "--fault",
            "--variant",
            "--demo-users",
            "--store",
        ];
        let without = |gone: &[&str]| -> Vec<String> {
            globals
                .iter()
                .filter(|g| !gone.contains(g))
                .map(|g| (*g).to_owned())
                .collect()
        };
        let with = |own: &[&str], globals: Vec<String>| -> Vec<String> {
            let mut all: Vec<String> = own.iter().map(|o| (*o).to_owned()).collect();
            all.extend(globals);
            all.push("--help".to_owned());
            all.sort();
            all
        };
        assert_eq!(
            listed("sim"),
            with(
                &["--port", "--users", "--seed"],
                vec!["--rpm".into(), "--fault".into(), "--variant".into()]
            )
        );
        assert_eq!(listed("config"), with(&["--print-default"], vec![]));
        assert_eq!(
            listed("verify"),
            with(&["--json"], without(&["--background-share"]))
        );
        assert_eq!(
            listed("doctor"),
            with(&["--json"], without(&["--background-share", "--store"]))
        );
        assert_eq!(
            listed("export"),
            with(
                &["--from", "--to", "--format", "--output"],
                without(&["--background-share"])
            )
        );
        assert!(listed("collect").contains(&"--background-share".to_owned()));
    }

    #[test]
    fn an_option_left_out_of_a_help_is_still_accepted_where_it_was() {
        let cli = Cli::try_from_args(["topogy", "sim", "--profile", "work", "--rpm", "5"]).unwrap();
        assert_eq!((cli.global.profile.as_str(), cli.global.rpm), ("work", 5));
        let cli = Cli::try_from_args(["topogy", "--profile", "work", "config"]).unwrap();
        assert_eq!(cli.global.profile, "work");
        let cli = Cli::try_from_args(["topogy", "verify", "--background-share", "20"]).unwrap();
        assert_eq!(cli.global.background_share, 20);
    }
}
