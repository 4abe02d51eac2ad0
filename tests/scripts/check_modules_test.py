#!/usr/bin/env python3
"""scripts/check-modules.py fails where it should: each case copies src/ and docs/development.md
into a temporary tree, breaks one rule, and expects exit 1 and the line that names the problem.
Usage: check_modules_test.py SOURCE_DIR  (ctest: ModuleDag.CheckCatchesWrongEdges)"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else os.getcwd()
SCRIPT = os.path.join(SOURCE, "scripts", "check-modules.py")


class CheckModulesTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="check_modules_")
        shutil.copytree(os.path.join(SOURCE, "src"), os.path.join(self.root, "src"))
        os.makedirs(os.path.join(self.root, "docs"))
        shutil.copy(os.path.join(SOURCE, "docs", "development.md"), os.path.join(self.root, "docs"))

    def tearDown(self):
        shutil.rmtree(self.root)

    def path(self, rel):
        return os.path.join(self.root, rel)

    def append(self, rel, text):
        with open(self.path(rel), "a", encoding="utf-8") as f:
            f.write(text)
        with open(self.path(rel), encoding="utf-8") as f:
            return sum(1 for _ in f)  # the number of the last line

    def replace(self, rel, old, new):
        with open(self.path(rel), encoding="utf-8") as f:
            text = f.read()
        self.assertIn(old, text, rel)
        with open(self.path(rel), "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, 1))

    def declared_line(self, module):
        with open(self.path("docs/development.md"), encoding="utf-8") as f:
            for number, text in enumerate(f, 1):
                if text.startswith(module + ":"):
                    return f"docs/development.md:{number}"
        self.fail(f"{module} is not declared")

    def run_check(self):
        r = subprocess.run([sys.executable, SCRIPT, "--root", self.root], capture_output=True, text=True)
        return r.returncode, r.stderr.splitlines()

    def expect_failure(self, *wanted):
        code, lines = self.run_check()
        self.assertEqual(code, 1, "\n".join(lines))
        for w in wanted:
            self.assertIn(w, lines, "\n".join(lines))
        return lines

    def test_the_copy_passes(self):
        code, lines = self.run_check()
        self.assertEqual(code, 0, "\n".join(lines))

    def test_core_including_sinks_is_named_with_file_line_and_declaration(self):
        line = self.append("src/core/result.h", '#include "sinks/sink.h"\n')
        self.expect_failure(
            f'src/core/result.h:{line}: #include "sinks/sink.h": module core may not use module sinks '
            f"(allowed: none; edges declared in {self.declared_line('core')})")

    def test_sinks_including_extract_lists_what_sinks_may_use(self):
        self.replace("src/sinks/threaded_sink.cpp", '#include "sinks/threaded_sink.h"\n',
                     '#include "sinks/threaded_sink.h"\n#  include "extract/snapshot_reader.h"\n')
        with open(self.path("src/sinks/threaded_sink.cpp"), encoding="utf-8") as f:
            line = next(n for n, t in enumerate(f, 1) if "extract/" in t)
        self.expect_failure(
            f'src/sinks/threaded_sink.cpp:{line}: #include "extract/snapshot_reader.h": module sinks may not use module '
            f"extract (allowed: change, core, schema; edges declared in {self.declared_line('sinks')})")

    def test_a_link_not_allowed_names_the_cmake_line(self):
        self.replace("src/core/CMakeLists.txt", "DEPS fmt::fmt", "DEPS fmt::fmt\n  sluice_mysql")
        self.expect_failure(
            "src/core/CMakeLists.txt:5: links sluice_mysql: module core may not use module mysql (allowed: none); "
            f"remove it from this line, or declare the edge in {self.declared_line('core')}")

    def test_an_edge_taken_away_fails_includes_and_foreach_links(self):
        self.replace("docs/development.md", "preflight extract sinks job replicate\n", "preflight extract sinks replicate\n")
        lines = self.expect_failure()
        self.assertTrue(any(re.match(r"src/cli/\w+\.cpp:\d+: #include \"job/", l) for l in lines), lines)
        with open(self.path("src/cli/CMakeLists.txt"), encoding="utf-8") as f:
            foreach = next(n for n, t in enumerate(f, 1) if t.startswith("foreach(m ") and " job" in t)
        # Named at the foreach() line that lists job, where the fix is made.
        self.assertIn(f"src/cli/CMakeLists.txt:{foreach}: links sluice_job: module cli may not use module job "
                      "(allowed: binlog, change, config, core, extract, journal, mysql, preflight, replicate, schedule, schema, sinks, source, verify); remove it "
                      "from this line, or declare the edge in " + self.declared_line("cli"), lines)
        self.assertTrue(any(l.startswith("src/cli/README.md:") for l in lines), lines)

    def test_a_cycle_in_the_declared_edges(self):
        self.replace("docs/development.md", "\ncore:\n", "\ncore: sinks\n")
        lines = self.expect_failure()
        cycles = [l for l in lines if "the declared edges form a cycle" in l]
        self.assertEqual(len(cycles), 1, lines)
        self.assertIn("core -> sinks", cycles[0])

    def test_an_unknown_module_in_the_edges(self):
        self.replace("docs/development.md", "\nmysql: core\n", "\nmysql: core kafka\n")
        self.expect_failure(f"{self.declared_line('mysql')}: module mysql may use 'kafka', which is not a "
                            "declared module")

    def test_a_declared_module_needs_no_folder_but_a_folder_needs_a_declaration(self):
        self.replace("docs/development.md", "\ncore:\n", "\ncore:\npipeline: core\n")
        code, lines = self.run_check()
        self.assertEqual(code, 0, "\n".join(lines))
        os.makedirs(self.path("src/replicator"))
        self.append("src/replicator/reader.h", "#pragma once\n")
        self.expect_failure("src/replicator: not a declared module (add a line to the module-edges block of "
                            "docs/development.md)")

    def test_a_readme_that_disagrees_with_the_edges(self):
        self.replace("src/preflight/README.md", "May use: core, change, mysql.", "May use: core, change, mysql, extract.")
        lines = self.expect_failure()
        self.assertTrue(any(l.startswith("src/preflight/README.md:") and "says change, core, extract, mysql, the declared edges" in l
                            for l in lines), lines)

    def test_a_file_over_600_lines(self):
        self.append("src/core/long.h", "// line\n" * 601)
        self.expect_failure("src/core/long.h: 601 lines, over the limit of 600 (split it)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
