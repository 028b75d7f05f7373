#!/usr/bin/env python3
"""Counts passed and failed tests in one suite's output: prints "PASSED FAILED".

usage: tally.py tap|junit|regress FILE [EXIT_CODE]
  tap      pg_prove -v output: one test per "ok N" / "not ok N" line
  junit    a JUnit XML report (ctest --output-junit, pytest --junitxml)
  regress  pg_regress / pg_isolation_regress output: one test per "... ok" / "... FAILED"
A suite that exited non-zero without a counted failure (a crash, a bad plan) counts one failure.
"""
import re
import sys
import xml.etree.ElementTree as ET


def tap(text):
    passed = len(re.findall(r'^\s*ok \d+', text, re.M))
    failed = len(re.findall(r'^\s*not ok \d+', text, re.M))
    return passed, failed


def junit(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return 0, 0
    passed = failed = 0
    for case in root.iter('testcase'):
        if case.find('skipped') is not None and case.get('status') != 'run':
            failed += 1  # a skipped check is not a pass
        elif case.find('failure') is not None or case.find('error') is not None:
            failed += 1
        elif case.get('status') in ('fail', 'failed'):
            failed += 1
        else:
            passed += 1
    return passed, failed


def regress(text):
    passed = len(re.findall(r'^(?:ok \d+\s+[-+]?\s*\S+|test \S+\s+\.\.\.\s+ok|\s+\S+\s+\.\.\.\s+ok)', text, re.M))
    failed = len(re.findall(r'(?:^not ok \d+|\.\.\.\s+FAILED)', text, re.M))
    return passed, failed


def main():
    kind, path = sys.argv[1], sys.argv[2]
    code = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if kind == 'junit':
        passed, failed = junit(path)
    else:
        try:
            text = open(path, errors='replace').read()
        except OSError:
            text = ''
        passed, failed = (tap if kind == 'tap' else regress)(text)
    if code != 0 and failed == 0:
        failed = 1
    print(passed, failed)


if __name__ == '__main__':
    main()
