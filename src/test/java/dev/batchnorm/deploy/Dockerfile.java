package dev.batchnorm.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The repository's Dockerfile, read the way the builder reads it: comment lines dropped, line
 * continuations joined, one instruction per entry, grouped into stages at each FROM. The tests
 * take the extract command, the layer copies and the ENTRYPOINT from here and run them.
 */
record Dockerfile(List<Stage> stages) {

    static final Path PATH = Path.of("Dockerfile");

    /** One instruction: keyword (upper case) and its arguments as written. */
    record Instruction(String keyword, String args) {}

    /** One build stage. */
    record Stage(String base, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        Optional<Instruction> last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
        }

        /** The effective USER: the last one set, or null (root) if none. */
        String user() {
            return last("USER").map(Instruction::args).orElse(null);
        }

        String workdir() {
            return last("WORKDIR").map(Instruction::args).orElse("/");
        }

        /** The exec-form ENTRYPOINT as a list. */
        List<String> entrypoint() {
            String json = last("ENTRYPOINT").orElseThrow(() -> new AssertionError("no ENTRYPOINT")).args();
            if (!json.startsWith("[")) {
                throw new AssertionError("ENTRYPOINT must use the exec form (JSON array) so the JVM gets SIGTERM: " + json);
            }
            return List.of(JsonMapper.builder().build().readValue(json, String[].class));
        }

        /** COPY instructions as [flags..., sources..., destination] word lists. */
        List<List<String>> copies() {
            return all("COPY").stream().map(i -> List.of(i.args().trim().split("\\s+"))).toList();
        }
    }

    static Dockerfile read() throws IOException {
        return parse(Files.readString(PATH));
    }

    static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue; // comments (parser directives included) and blank lines, also inside continuations
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String full = current.toString().strip();
            current.setLength(0);
            if (full.isEmpty()) {
                continue;
            }
            int space = full.indexOf(' ');
            instructions.add(new Instruction(full.substring(0, space).toUpperCase(Locale.ROOT), full.substring(space + 1).strip()));
        }
        List<Stage> stages = new ArrayList<>();
        List<Instruction> body = null;
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                String[] words = i.args().split("\\s+");
                String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
                body = new ArrayList<>();
                stages.add(new Stage(words[0], name, body));
            } else if (body == null) {
                throw new AssertionError("instruction before the first FROM: " + i);
            } else {
                body.add(i);
            }
        }
        return new Dockerfile(List.copyOf(stages));
    }

    Stage runtime() {
        return stages.getLast();
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst().orElseThrow(() -> new AssertionError("no stage " + name));
    }
}
