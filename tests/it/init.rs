use crate::run;

#[test]
fn init_writes_a_template_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.toml");
    let p = path.to_str().unwrap();
    let (code, _, err) = run(&["init", p]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[cluster]") && text.contains("# "));
    let (code, out, err) = run(&["check", p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("gb300-nvl72"));
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, "keep me").unwrap();
    let (code, _, err) = run(&["init", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists; pass --force to replace it"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    let (code, _, _) = run(&["init", path.to_str().unwrap(), "--force"]);
    assert_eq!(code, 0);
    assert_ne!(std::fs::read_to_string(&path).unwrap(), "keep me");
}
