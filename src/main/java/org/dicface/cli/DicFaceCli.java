package org.dicface.cli;

import java.io.IOException;
import java.io.PrintWriter;

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
                err.println("dicface " + commandLine.getCommandName() + ": " + e.getMessage());
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

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
