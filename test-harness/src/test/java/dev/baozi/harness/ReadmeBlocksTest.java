package dev.baozi.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link ReadmeTest} reads README.md's code blocks: which it runs, and their text. */
class ReadmeBlocksTest {

    @Test
    void sh_blocks_are_taken_in_order_dedented_and_those_marked_not_run_are_left_out() {
        String markdown = """
                # Title

                <!-- not run by ReadmeTest: it is the stack -->
                ```sh
                make run
                ```

                ```sh
                a=1
                ```

                1. A step:

                   ```sh
                   echo "$a"
                   ```

                ```hcl
                terraform {}
                ```
                """;

        List<ReadmeTest.Block> blocks = ReadmeTest.shBlocks(markdown);

        assertThat(blocks).extracting(ReadmeTest.Block::text).containsExactly("a=1\n", "echo \"$a\"\n");
        assertThat(blocks).extracting(ReadmeTest.Block::number).containsExactly(1, 2);
        assertThat(blocks.get(1).line()).as("the line of its opening fence").isEqualTo(14);
    }

    @Test
    void the_readme_marks_only_the_make_run_and_make_test_block_as_not_run() throws Exception {
        String readme = Files.readString(TestStack.repoRoot().resolve("README.md"));

        List<String> skipped = readme.lines().filter(l -> l.strip().startsWith(ReadmeTest.NOT_RUN)).toList();

        assertThat(skipped).hasSize(1);
        assertThat(ReadmeTest.shBlocks(readme)).noneMatch(b -> b.text().contains("make run") || b.text().contains("make test"));
    }
}
