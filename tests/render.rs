//! Snapshots of the human output, rendered without colour at a fixed width so
//! that they do not depend on the terminal. Review changes to them like code:
//! they are what users read.

use reclint::check;

mod common;
use reclint::report::human::{self, HumanOptions};
use reclint::rules::Registry;

fn render(fixture: &str) -> String {
    let root = common::root();
    let options = common::fixture_options(fixture);
    let registry = Registry::builtin().expect("rules");
    let run = check::run(&options, &root, &registry).expect("check runs");
    human::render(
        &run.outcome,
        &run.sources,
        &registry,
        &HumanOptions {
            color: false,
            width: 80,
            quiet: false,
        },
    )
}

#[test]
fn datatilsynet_case() {
    insta::assert_snapshot!(render("fixtures/asterisk/cases/case_datatilsynet_2021"));
}

#[test]
fn opt_out_menu() {
    insta::assert_snapshot!(render(
        "fixtures/asterisk/REC005/bad_press_2_to_decline.conf"
    ));
}

#[test]
fn bridge_recording_without_notice() {
    insta::assert_snapshot!(render(
        "fixtures/asterisk/REC003/bad_bridge_recording_without_notice"
    ));
}

#[test]
fn consent_answer_followed_into_a_subroutine() {
    insta::assert_snapshot!(render(
        "fixtures/asterisk/REC006/ok_answer_tested_in_a_subroutine.conf"
    ));
}

#[test]
fn parse_errors_and_unresolved_targets() {
    insta::assert_snapshot!(render("fixtures/asterisk/REC900/bad_malformed_lines.conf"));
    insta::assert_snapshot!(render("fixtures/asterisk/REC901/bad_unknown_targets.conf"));
}

#[test]
fn demo_tree() {
    insta::assert_snapshot!(render("fixtures/demo/contact-centre"));
}

#[test]
fn freeswitch_consent_tested_in_the_same_hunt() {
    insta::assert_snapshot!(render(
        "fixtures/freeswitch/REC006/bad_tested_in_the_same_hunt.xml"
    ));
}

#[test]
fn freeswitch_queue_recording_without_notice() {
    insta::assert_snapshot!(render(
        "fixtures/freeswitch/REC003/bad_queue_recording_without_notice"
    ));
}

#[test]
fn connect_opt_out() {
    insta::assert_snapshot!(render(
        "fixtures/amazon-connect/REC005/bad_press_2_to_decline.json"
    ));
}

#[test]
fn connect_embedded_flow_cut_short() {
    insta::assert_snapshot!(render(
        "fixtures/amazon-connect/REC900/bad_embedded_flow_cut_short.json"
    ));
}

#[test]
fn twiml_recording_before_notice() {
    insta::assert_snapshot!(render(
        "fixtures/twilio/REC003/bad_recording_started_before_the_notice.twiml"
    ));
}

#[test]
fn studio_declined_still_recorded() {
    insta::assert_snapshot!(render(
        "fixtures/twilio/REC006/bad_studio_declined_still_recorded.json"
    ));
}

/// A DescribeContactFlow export keeps the flow as one escaped JSON line:
/// frames show the part of it the finding is about, and traces name the
/// blocks as the flow designer does.
#[test]
fn connect_export_on_one_line() {
    insta::assert_snapshot!(render(
        "fixtures/amazon-connect/REC003/bad_describe_contact_flow_export.json"
    ));
}

/// A Genesys Architect flow: traces name the actions by their type and
/// name, and follow the caller's answer through the menu.
#[test]
fn genesys_declined_still_recorded() {
    insta::assert_snapshot!(render(
        "fixtures/genesys/REC006/bad_declined_still_recorded.yaml"
    ));
}
