package org.dicface.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

import org.dicface.io.CheckpointException;
import org.dicface.nn.StateDictException;
import org.dicface.torch.NativeLibraryException;
import org.dicface.torch.TorchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dicface} command line (launched by scripts/dicface). Subcommands stay thin: they call the model and io layers. */
@Command(name = "dicface", mixinStandardHelpOptions = true, version = "DicFace for Fiji 0.1.0",
        description = "DicFace video face restoration: checkpoints and the model.",
        subcommands = {InfoCommand.class, ConvertCommand.class, ForwardCommand.class, FacesCommand.class, RestoreCommand.class,
                InpaintCommand.class, ColorizeCommand.class, SampleClipCommand.class, DegradeCommand.class,
                EvaluateCommand.class,
                TrainCommand.class})
public final class DicFaceCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line whose expected failures print one message (exit 1), not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new DicFaceCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CheckpointException || e instanceof StateDictException || e instanceof IllegalArgumentException
                    || e instanceof NativeLibraryException || e instanceof TorchException || e instanceof IOException) {
                err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());  // "dicface restore: ", "dicface-spark: "
                err.flush();
                return 1;
            }
            throw e;
        });
        return cl;
    }

    /**
     * The batch a restore, inpaint or colorize command line asks for, parsed exactly as {@code dicface} parses it, without
     * running it (an engine that spreads the batch over machines parses the same line in every process).
     */
    public static org.dicface.pipeline.Batch.Request request(String... args) throws IOException {
        CommandLine.ParseResult parsed;
        try {
            parsed = commandLine().parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        CommandLine.ParseResult sub = parsed.subcommand();
        if (sub == null || !(sub.commandSpec().userObject() instanceof TaskCommand task)) {
            throw new IllegalArgumentException("give a restore, inpaint or colorize command line, got: " + String.join(" ", args));
        }
        return task.request();
    }

    /** Options that take text which may name a file ("auto", "official" or a config.json). */
    private static final java.util.Set<String> TEXT_OR_FILE = java.util.Set.of("--config");

    /**
     * The command line with every path in it absolute (against this process's working directory), so that it names
     * the same files in a process started elsewhere (a cluster's executors start in folders of their own): the values
     * of path options and path parameters, and a text option's value that names a file here.
     */
    public static List<String> withAbsolutePaths(List<String> args) {
        CommandLine sub = args.isEmpty() ? null : commandLine().getSubcommands().get(args.getFirst());
        if (sub == null) {
            return List.copyOf(args);
        }
        CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
        boolean positionalPaths = spec.positionalParameters().stream().anyMatch(DicFaceCli::takesPaths);
        List<String> out = new java.util.ArrayList<>(List.of(args.getFirst()));
        boolean optionsEnd = false;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (!optionsEnd && a.equals("--")) {
                optionsEnd = true;
                out.add(a);
                continue;
            }
            CommandLine.Model.OptionSpec o = optionsEnd || !a.startsWith("-") ? null : spec.findOption(a.split("=", 2)[0]);
            if (o == null) {
                out.add(!optionsEnd && a.startsWith("-") || !positionalPaths ? a : absolute(a));
            } else if (a.contains("=")) {
                String[] kv = a.split("=", 2);
                out.add(kv[0] + "=" + valueOf(o, kv[1]));
            } else {
                out.add(a);
                if (o.arity().min() > 0 && i + 1 < args.size()) {  // its value is the next word
                    out.add(valueOf(o, args.get(++i)));
                }
            }
        }
        return List.copyOf(out);
    }

    private static String valueOf(CommandLine.Model.OptionSpec o, String value) {
        boolean file = TEXT_OR_FILE.contains(o.longestName()) && java.nio.file.Files.isRegularFile(Path.of(value));
        return takesPaths(o) || file ? absolute(value) : value;
    }

    private static boolean takesPaths(CommandLine.Model.ArgSpec a) {
        return a.type() == Path.class || a.type() == java.io.File.class
                || a.isMultiValue() && a.auxiliaryTypes().length > 0 && a.auxiliaryTypes()[0] == Path.class;
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
