//! Copying to the terminal's clipboard (OSC 52): `y` the highlighted e-mail or request id,
//! `Y` the doctor report once its checks have run off the UI task.

use super::Command;
use crate::tui::action::Tab;
use crate::tui::model::Model;

/// `y`: the highlighted person's e-mail, or the highlighted request's id on the Status tab.
pub(super) fn copy(model: &mut Model) -> Vec<Command> {
    let text = match model.tab {
        _ if model.overlay.is_some() => None,
        Tab::Developers => model.selected_developer().map(|d| d.email.clone()),
        Tab::Cost => model
            .cost_ranking()
            .get(model.lists.cost_people)
            .map(|d| d.email.clone()),
        Tab::Status => model
            .requests
            .iter()
            .rev()
            .nth(model.lists.requests)
            .and_then(|r| r.request_id.clone()),
        _ => None,
    };
    match text {
        Some(text) => {
            model.say(format!("copied {text} to the clipboard"));
            vec![Command::Copy(text)]
        }
        None => {
            model.say("nothing highlighted to copy here".to_owned());
            Vec::new()
        }
    }
}

/// `Y`: the checks run off the UI task; their report comes back as `ReportReady`.
pub(super) fn copy_report(model: &mut Model) -> Vec<Command> {
    model.say("running topogy doctor for the clipboard…".to_owned());
    vec![Command::DoctorReport]
}

/// The doctor report is ready: onto the clipboard, with its size on the status bar.
pub(super) fn report_ready(model: &mut Model, report: String) -> Vec<Command> {
    let lines = report.lines().count();
    model.say(format!(
        "copied the doctor report ({}, redacted: no key) to the clipboard",
        crate::metrics::plural(lines as u64, "line", "lines")
    ));
    vec![Command::Copy(report)]
}
