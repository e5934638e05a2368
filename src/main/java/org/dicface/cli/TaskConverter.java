package org.dicface.cli;

import org.dicface.io.Task;
import picocli.CommandLine;

/** {@code --task}: read by {@link Task#parse}, so a wrong name gets its message, not picocli's list of constants. */
final class TaskConverter implements CommandLine.ITypeConverter<Task> {
    @Override
    public Task convert(String value) {
        try {
            return Task.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
