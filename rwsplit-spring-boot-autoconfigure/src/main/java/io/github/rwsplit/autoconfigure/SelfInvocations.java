package io.github.rwsplit.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.SpringAsmInfo;
import org.springframework.asm.Type;

/**
 * Finds calls from one method of a class to another of its methods, read from the class's
 * bytecode: such a call does not pass through the bean's proxy, so routing annotations on the
 * callee do nothing for it. A class that holds a reference to its own type (the usual
 * self-injection remedy) is assumed to call through it, since the receiver of a call cannot be
 * told from its owner without following the operand stack. Not responsible for calls inherited
 * from superclasses.
 */
final class SelfInvocations {

	private SelfInvocations() {
	}

	/**
	 * @param type the bean's class
	 * @param callees the annotated methods to look for, declared by {@code type}
	 * @return for each callee that is called from another method of {@code type}, the callers'
	 * names; empty when the bytecode cannot be read
	 */
	static Map<Method, List<String>> find(Class<?> type, List<Method> callees) {
		Map<Method, List<String>> found = new LinkedHashMap<>();
		if (callees.isEmpty() || holdsItsOwnType(type)) {
			return found;
		}
		Map<String, Method> byKey = new LinkedHashMap<>();
		callees.forEach((method) -> byKey.put(method.getName() + Type.getMethodDescriptor(method), method));
		String owner = Type.getInternalName(type);
		String resource = owner + ".class";
		ClassLoader loader = (type.getClassLoader() != null) ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
		try (InputStream in = loader.getResourceAsStream(resource)) {
			if (in == null) {
				return found;
			}
			new ClassReader(in).accept(new ClassVisitor(SpringAsmInfo.ASM_VERSION) {

				@Override
				public MethodVisitor visitMethod(int access, String caller, String descriptor, String signature,
						String[] exceptions) {
					String callerKey = caller + descriptor;
					return new MethodVisitor(SpringAsmInfo.ASM_VERSION) {

						@Override
						public void visitMethodInsn(int opcode, String calledOwner, String name, String calledDescriptor,
								boolean isInterface) {
							Method callee = byKey.get(name + calledDescriptor);
							if (callee != null && opcode != Opcodes.INVOKESTATIC && calledOwner.equals(owner)
									&& !callerKey.equals(name + calledDescriptor)) {
								List<String> callers = found.computeIfAbsent(callee, (key) -> new ArrayList<>());
								String shown = type.getName() + "." + caller + "()";
								if (!callers.contains(shown)) {
									callers.add(shown);
								}
							}
						}

					};
				}

			}, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
		}
		catch (IOException | RuntimeException ex) {
			// A class the bundled ASM cannot read (a newer class file version) is not checked.
			found.clear();
		}
		return found;
	}

	private static boolean holdsItsOwnType(Class<?> type) {
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			for (Field field : current.getDeclaredFields()) {
				if (field.getType().isAssignableFrom(type) && field.getType() != Object.class) {
					return true;
				}
			}
		}
		return false;
	}

}
